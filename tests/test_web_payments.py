"""The payments page: only visible payments, review status, filters, pagination; finance lands here."""

from __future__ import annotations

from tests.factories import PaymentFactory


def html(response) -> str:
    return response.content.decode()


def test_it_lists_the_payments_a_rep_may_see(cast, customers, login):
    PaymentFactory(customer=customers["rep1"], amount=1111)
    PaymentFactory(customer=customers["rep3"], amount=3333)
    page = html(login(cast.rep1).get("/money/payments/"))
    assert "rep1的客户" in page and "1111" in page
    assert "rep3的客户" not in page and "3333" not in page


def test_it_shows_finance_every_payment_without_customer_links(cast, customers, login):
    for customer in customers.values():
        PaymentFactory(customer=customer)
    page = html(login(cast.finance).get("/money/payments/"))
    for name in ("rep1的客户", "rep2的客户", "rep3的客户", "rep4的客户"):
        assert name in page
    assert f"/customers/{customers['rep1'].pk}/" not in page  # finance does not see the sales pipeline


def test_it_filters_by_review_status_and_counts_only_accepted_money(cast, customers, login):
    PaymentFactory(customer=customers["rep1"], amount=1000, review_status="accepted")
    PaymentFactory(customer=customers["rep1"], amount=777000, review_status="pending")
    client = login(cast.rep1)
    page = html(client.get("/money/payments/"))
    assert "¥1000.00" in page.split('class="muted small result-count"')[1].split("</p>")[0]
    pending = html(client.get("/money/payments/", {"review": "pending"}))
    assert "777000" in pending
    assert "¥1000.00</td>" not in pending


def test_it_paginates_payments(cast, customers, login, settings):
    settings.PAGE_SIZE = 5
    for _ in range(6):
        PaymentFactory(customer=customers["rep1"])
    client = login(cast.rep1)
    assert html(client.get("/money/payments/")).count('class="badge review-') == 5
    assert html(client.get("/money/payments/", {"page": 2})).count('class="badge review-') == 1
