"""Orders and payments through the REST API; who sees money is decided by money_scope."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from leadflow.activities.models import Activity
from leadflow.audit.models import AuditEntry
from leadflow.orders.models import Order, Payment
from tests.factories import DealFactory, PaymentFactory, ProductFactory


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def rep1(cast, api_en):
    return api_en(cast.rep1)


@pytest.fixture
def products(db):
    return ProductFactory(list_price=Decimal("12800.00")), ProductFactory(list_price=Decimal("99.50"))


def test_it_creates_an_order_with_lines_totals_activity_and_audit(cast, customers, rep1, products):
    monitor, cable = products
    customer = customers["rep1"]
    deal = DealFactory(customer=customer)
    response = post(
        rep1,
        "/api/v1/orders",
        {
            "customer_id": customer.pk,
            "deal_id": deal.pk,
            "number": "SO-2025-0001",
            "ordered_at": "2025-04-01T10:00:00+08:00",
            "lines": [
                {"product_id": monitor.pk, "quantity": 2},
                {"product_id": cable.pk, "quantity": "10", "unit_price": "88.00"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == "26480.00"  # 2 × 12800 list price + 10 × 88
    assert [(line["product_id"], line["amount"]) for line in body["lines"]] == [
        (monitor.pk, "25600.00"),
        (cable.pk, "880.00"),
    ]
    assert body["customer"]["id"] == customer.pk and body["deal_id"] == deal.pk
    order = Order.objects.get(pk=body["id"])
    assert order.source == "api" and order.rep == cast.rep1
    assert Activity.objects.get(kind="order").payload["order_id"] == order.pk
    assert AuditEntry.objects.filter(entity="orders.order", object_id=str(order.pk)).exists()


def test_it_stores_an_erp_order_once(cast, customers, rep1, products):
    body = {
        "customer_id": customers["rep1"].pk,
        "external_id": "U8-SO-778",
        "source": "erp",
        "lines": [{"product_id": products[0].pk, "quantity": 1}],
    }
    first = post(rep1, "/api/v1/orders", body)
    again = post(rep1, "/api/v1/orders", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1 and Activity.objects.filter(kind="order").count() == 1


def test_it_stores_nothing_when_a_line_is_bad(cast, customers, rep1, products):
    response = post(
        rep1,
        "/api/v1/orders",
        {
            "customer_id": customers["rep1"].pk,
            "lines": [{"product_id": products[0].pk, "quantity": 1}, {"product_id": 999999, "quantity": 1}],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines[1].product_id"
    assert not Order.objects.exists() and not Activity.objects.exists()


def test_it_refuses_a_deal_of_another_customer(cast, customers, rep1, products):
    their_deal = DealFactory(customer=customers["rep3"])
    response = post(
        rep1,
        "/api/v1/orders",
        {
            "customer_id": customers["rep1"].pk,
            "deal_id": their_deal.pk,
            "lines": [{"product_id": products[0].pk, "quantity": 1}],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "deal_id"
    assert not Order.objects.exists()


@pytest.fixture
def money(cast, customers, products):
    from leadflow.core.writes import WriteContext
    from leadflow.orders.services import order_create

    orders = {}
    for owner, customer in customers.items():
        orders[owner], _ = order_create(
            customer=customer,
            lines=[{"product_id": products[0].pk, "quantity": 1}],
            ctx=WriteContext(actor=getattr(cast, owner)),
            number=f"SO-{owner}",
        )
        PaymentFactory(customer=customer, amount=1000, order=orders[owner])
    return orders


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("rep1", {"rep1"}),
        ("manager1", {"rep1", "rep2"}),
        ("director", {"rep1", "rep2", "rep3"}),
        ("finance", {"rep1", "rep2", "rep3", "rep4"}),
        ("admin", {"rep1", "rep2", "rep3", "rep4"}),
    ],
)
def test_it_shows_orders_and_payments_by_money_scope(cast, api_en, money, viewer, expected):
    client = api_en(getattr(cast, viewer))
    orders = client.get("/api/v1/orders?page_size=50").json()
    assert {o["number"][3:] for o in orders["items"]} == expected
    assert orders["count"] == len(expected)
    payments = client.get("/api/v1/payments?page_size=50").json()["items"]
    assert {money[o].customer_id for o in expected} == {p["customer"]["id"] for p in payments}
    for owner, order in money.items():
        status = client.get(f"/api/v1/orders/{order.pk}").status_code
        assert status == (200 if owner in expected else 404)


def test_it_filters_orders(cast, api_en, money, customers):
    client = api_en(cast.finance)
    by_customer = client.get(f"/api/v1/orders?customer_id={customers['rep2'].pk}").json()["items"]
    assert [o["number"] for o in by_customer] == ["SO-rep2"]
    assert [o["number"] for o in client.get("/api/v1/orders?q=so-rep3").json()["items"]] == ["SO-rep3"]
    assert client.get("/api/v1/orders?status=cancelled").json()["count"] == 0


def test_it_records_a_payment(cast, customers, rep1, money):
    response = post(
        rep1,
        "/api/v1/payments",
        {
            "customer_id": customers["rep1"].pk,
            "order_id": money["rep1"].pk,
            "amount": "12800",
            "received_at": "2025-04-15T14:00:00+08:00",
            "method": "acceptance",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["method"], body["review_status"]) == ("12800.00", "acceptance", "accepted")
    payment = Payment.objects.get(pk=body["id"])
    assert Activity.objects.get(kind="payment").payload["payment_id"] == payment.pk
    listed = rep1.get(f"/api/v1/payments?order_id={money['rep1'].pk}").json()
    assert listed["count"] == 2
    assert rep1.get(f"/api/v1/payments/{payment.pk}").json()["id"] == payment.pk


def test_it_lets_finance_record_a_payment_for_any_customer(cast, customers, api_en):
    response = post(
        api_en(cast.finance),
        "/api/v1/payments",
        {"customer_id": customers["rep4"].pk, "amount": "500", "received_at": "2025-04-15T14:00:00+08:00"},
    )
    assert response.status_code == 201
    assert Payment.objects.get().customer == customers["rep4"]


def test_it_refuses_an_order_of_another_customer_on_a_payment(cast, customers, rep1, money):
    response = post(
        rep1,
        "/api/v1/payments",
        {
            "customer_id": customers["rep1"].pk,
            "order_id": money["rep3"].pk,
            "amount": "1",
            "received_at": "2025-04-15T14:00:00+08:00",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "order_id"
    assert Payment.objects.count() == len(money)


def test_it_stores_a_payment_once_per_external_id(cast, customers, rep1):
    body = {
        "customer_id": customers["rep1"].pk,
        "amount": "300",
        "received_at": "2025-04-15T14:00:00+08:00",
        "external_id": "bank-1",
        "source": "erp",
    }
    assert post(rep1, "/api/v1/payments", body).status_code == 201
    assert post(rep1, "/api/v1/payments", body).status_code == 200
    assert Payment.objects.count() == 1


def test_it_filters_payments_by_review_status(cast, customers, api_en):
    PaymentFactory(customer=customers["rep1"], review_status="pending")
    PaymentFactory(customer=customers["rep1"])
    body = api_en(cast.finance).get("/api/v1/payments?review_status=pending").json()
    assert body["count"] == 1 and body["items"][0]["review_status"] == "pending"
