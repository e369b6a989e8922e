"""Customer pages: list, search, filters, pagination, the customer page, create/edit with field
errors, contacts and quick activities — all through the visibility layer."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leadflow.activities.models import Activity
from leadflow.attachments.models import Attachment
from leadflow.audit.models import AuditEntry
from leadflow.customers.models import Contact, Customer
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    CustomerFactory,
    DealFactory,
    PaymentFactory,
    credit_code,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64

_GOOD = credit_code()
BAD_CODE = _GOOD[:-1] + ("1" if _GOOD[-1] != "1" else "2")  # right shape, wrong check character


def html(response) -> str:
    return response.content.decode()


def pager_position(page: str) -> list[str]:
    """The numbers in "Page x of y" (whatever the language)."""
    return re.findall(r"\d+", page.split('class="pager-pos">')[1].split("<")[0])


def customer_post(user, **overrides) -> dict:
    data = {
        "name": "杭州新华医疗器械有限公司",
        "credit_code": credit_code(),
        "legal_representative": "王强",
        "industry": "medical",
        "phone": "0571-87654321",
        "address": "浙江省杭州市滨江区江南大道3880号",
        "owner": user.pk,
        "status": "lead",
        "source": "referral",
        "payment_terms": "net30",
        "first_contact_at": "",
        "first_visit_at": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- list, search, filters, pagination ---------------------------------------------------------


def test_it_lists_only_the_customers_a_rep_may_see(cast, customers, login):
    response = login(cast.rep1).get("/customers/")
    assert response.status_code == 200
    assert "rep1的客户" in html(response)
    assert "rep2的客户" not in html(response)
    assert "rep3的客户" not in html(response)


def test_it_lists_the_team_for_a_manager(cast, customers, login):
    page = html(login(cast.manager1).get("/customers/"))
    assert "rep1的客户" in page and "rep2的客户" in page
    assert "rep3的客户" not in page and "rep4的客户" not in page


@pytest.mark.parametrize(
    "query",
    ["新华", "0571-87654321", "13900001111", "CODE"],
)
def test_it_searches_by_name_phone_contact_mobile_and_credit_code(cast, login, query):
    code = credit_code()
    target = CustomerFactory(owner=cast.rep1, name="杭州新华医院", phone="0571-87654321", credit_code=code)
    ContactFactory(customer=target, mobile="13900001111")
    CustomerFactory(owner=cast.rep1, name="宁波五金商行", phone="0574-88886666")
    response = login(cast.rep1).get("/customers/", {"q": code if query == "CODE" else query})
    page = html(response)
    assert "杭州新华医院" in page
    assert "宁波五金商行" not in page


def test_it_filters_by_city_owner_and_status(cast, login):
    CustomerFactory(owner=cast.rep1, name="甲医院", city="杭州市", status="lead")
    CustomerFactory(owner=cast.rep2, name="乙医院", city="杭州市", status="lead")
    CustomerFactory(owner=cast.rep2, name="丙医院", city="苏州市", status="lead")
    CustomerFactory(owner=cast.rep2, name="丁医院", city="杭州市", status="active")
    client = login(cast.manager1)
    page = html(client.get("/customers/", {"city": "杭州市", "owner": cast.rep2.pk, "status": "lead"}))
    assert "乙医院" in page
    for other in ("甲医院", "丙医院", "丁医院"):
        assert other not in page


def test_it_offers_only_visible_owners_and_ignores_an_invisible_one(cast, customers, login):
    client = login(cast.manager1)
    page = html(client.get("/customers/"))
    assert f'value="{cast.rep2.pk}"' in page
    assert f'value="{cast.rep3.pk}"' not in page
    # Asking for rep3's customers by URL shows nothing of theirs (the filter is not a way in).
    page = html(client.get("/customers/", {"owner": cast.rep3.pk}))
    assert "rep3的客户" not in page


def test_it_paginates_with_page_x_of_y(cast, login, settings):
    settings.PAGE_SIZE = 5
    for i in range(12):
        CustomerFactory(owner=cast.rep1, name=f"分页客户{i:02d}")
    client = login(cast.rep1)
    first = html(client.get("/customers/"))
    third = html(client.get("/customers/", {"page": 3}))
    assert first.count("分页客户") == 5
    assert third.count("分页客户") == 2
    assert pager_position(first) == ["1", "3"]
    assert pager_position(third) == ["3", "3"]
    assert 'rel="prev"' in third and 'rel="next"' not in third
    # A page number past the end or not a number gives a page, not an error.
    assert client.get("/customers/", {"page": 99}).status_code == 200
    assert client.get("/customers/", {"page": "x"}).status_code == 200


def test_it_counts_a_long_list_up_to_the_cap_and_shows_a_plus(cast, login, settings, monkeypatch):
    settings.PAGE_SIZE = 5
    monkeypatch.setattr("leadflow.customers.views.COUNT_CAP", 10)
    for i in range(12):
        CustomerFactory(owner=cast.rep1, name=f"计数客户{i:02d}")
    client = login(cast.rep1)
    page = html(client.get("/customers/"))
    count = page.split('class="muted small result-count">')[1].split("<")[0]
    assert "10+" in count
    assert "2+" in page.split('class="pager-pos">')[1].split("<")[0]
    # Under the cap the count is exact, without a plus.
    page = html(client.get("/customers/", {"q": "计数客户0"}))
    count = page.split('class="muted small result-count">')[1].split("<")[0]
    assert "10" in count and "+" not in count
    # A short page is the last one: its rows are the count.
    page = html(client.get("/customers/", {"q": "计数客户1"}))
    count = page.split('class="muted small result-count">')[1].split("<")[0]
    assert "2" in count and "+" not in count
    assert "计数客户10" in page and "计数客户11" in page and "计数客户09" not in page


@pytest.mark.parametrize("query", ["13900001111", "1390000", "+86 139 0000 1111"])
def test_it_finds_a_customer_by_a_contacts_mobile_without_scanning_names(cast, login, query):
    target = CustomerFactory(owner=cast.rep1, name="杭州新华医院")
    ContactFactory(customer=target, mobile="13900001111")
    CustomerFactory(owner=cast.rep1, name="1390000五金商行")
    page = html(login(cast.rep1).get("/customers/", {"q": query}))
    assert "杭州新华医院" in page
    assert "1390000五金商行" not in page


def test_it_answers_htmx_live_search_with_the_results_only(cast, customers, login):
    response = login(cast.rep1).get("/customers/", {"q": "rep1"}, headers={"HX-Request": "true"})
    page = html(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="results">')
    assert "rep1的客户" in page
    assert "<html" not in page


def test_it_ignores_a_bad_filter_value_instead_of_failing(cast, customers, login):
    response = login(cast.rep1).get("/customers/", {"owner": "abc", "status": "nonsense"})
    assert response.status_code == 200
    assert "rep1的客户" in html(response)


# --- the customer page ----------------------------------------------------------------------------


def test_it_shows_the_customer_page_with_facts_contacts_deals_money_and_timeline(cast, customers, login):
    customer = customers["rep1"]
    ContactFactory(customer=customer, name="刘主任", mobile="13812345678")
    deal = DealFactory(customer=customer, name="监护仪采购")
    PaymentFactory(customer=customer, amount=8800)
    ActivityFactory(customer=customer, text="拜访设备科，确认两台监护仪需求")
    response = login(cast.rep1).get(f"/customers/{customer.pk}/")
    page = html(response)
    assert response.status_code == 200
    assert customer.credit_code in page
    assert "刘主任" in page and "tel:13812345678" in page
    assert f"/deals/{deal.pk}/" in page
    assert "8800" in page
    assert "拜访设备科，确认两台监护仪需求" in page


@pytest.mark.parametrize(
    "path",
    ["/customers/{pk}/", "/customers/{pk}/edit/", "/customers/{pk}/timeline/", "/deals/new/{pk}/"],
)
def test_it_answers_404_for_a_customer_the_user_may_not_see(cast, customers, login, path):
    response = login(cast.rep1).get(path.format(pk=customers["rep3"].pk))
    assert response.status_code == 404
    assert "rep3的客户" not in html(response)


@pytest.mark.parametrize("path", ["/customers/{pk}/contacts/", "/customers/{pk}/activities/"])
def test_it_refuses_writes_to_an_invisible_customer_with_404(cast, customers, login, path):
    response = login(cast.rep1).post(
        path.format(pk=customers["rep3"].pk), {"contact-name": "x", "activity-text": "x"}
    )
    assert response.status_code == 404
    assert not Contact.objects.exists()
    assert not Activity.objects.exists()


def test_it_lets_the_manager_and_director_open_a_team_customer(cast, customers, login, client):
    for viewer in (cast.manager1, cast.director, cast.admin):
        client.force_login(viewer)
        assert client.get(f"/customers/{customers['rep2'].pk}/").status_code == 200
    client.force_login(cast.manager1)
    assert client.get(f"/customers/{customers['rep3'].pk}/").status_code == 404


def test_it_sends_anonymous_users_to_the_login_page(customers, client):
    response = client.get(f"/customers/{customers['rep1'].pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_loads_more_of_the_timeline(cast, customers, login):
    customer = customers["rep1"]
    for i in range(25):
        ActivityFactory(customer=customer, text=f"跟进记录{i:02d}")
    client = login(cast.rep1)
    first = html(client.get(f"/customers/{customer.pk}/"))
    assert first.count("跟进记录") == 20
    assert f"/customers/{customer.pk}/timeline/?page=2" in first
    more = client.get(f"/customers/{customer.pk}/timeline/", {"page": 2}, headers={"HX-Request": "true"})
    assert html(more).count("跟进记录") == 5
    assert "<html" not in html(more)


# --- create and edit ------------------------------------------------------------------------------


def test_it_creates_a_customer_and_parses_the_address(cast, login):
    response = login(cast.rep1).post("/customers/new/", customer_post(cast.rep1))
    customer = Customer.objects.get(name="杭州新华医疗器械有限公司")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert customer.owner == cast.rep1
    assert customer.city == "杭州市" and customer.district == "滨江区"
    assert AuditEntry.objects.filter(action="create").exists()


def test_it_shows_a_bad_credit_code_under_its_field_and_saves_nothing(cast, login):
    response = login(cast.rep1).post("/customers/new/", customer_post(cast.rep1, credit_code=BAD_CODE))
    page = html(response)
    assert response.status_code == 422
    assert 'id="id_credit_code_errors"' in page
    errors = page.split('id="id_credit_code_errors"')[1].split("</ul>")[0]
    assert "校验" in errors or "check character" in errors
    assert BAD_CODE in page  # what the user typed stays in the form
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()


def test_it_shows_a_bad_phone_under_its_field_and_saves_nothing(cast, login):
    response = login(cast.rep1).post("/customers/new/", customer_post(cast.rep1, phone="12345"))
    page = html(response)
    assert response.status_code == 422
    assert 'id="id_phone_errors"' in page
    assert 'id="id_credit_code_errors"' not in page
    assert not Customer.objects.exists()


def test_it_refuses_an_owner_outside_the_reps_scope(cast, login):
    response = login(cast.rep1).post("/customers/new/", customer_post(cast.rep1, owner=cast.rep3.pk))
    assert response.status_code == 422
    assert 'id="id_owner_errors"' in html(response)
    assert not Customer.objects.exists()


def test_it_reports_a_duplicate_credit_code_on_the_field(cast, customers, login):
    taken = customers["rep3"].credit_code
    response = login(cast.rep1).post("/customers/new/", customer_post(cast.rep1, credit_code=taken))
    assert response.status_code == 422
    assert 'id="id_credit_code_errors"' in html(response)
    assert Customer.objects.filter(credit_code=taken).count() == 1


def test_it_edits_a_customer(cast, customers, login):
    customer = customers["rep1"]
    client = login(cast.rep1)
    form = client.get(f"/customers/{customer.pk}/edit/")
    assert form.status_code == 200
    assert customer.credit_code in html(form)
    data = customer_post(cast.rep1, name="改名后的客户", credit_code=customer.credit_code, status="active")
    response = client.post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "改名后的客户"
    assert customer.phone == "0571-87654321"


def test_it_leaves_the_customer_untouched_when_an_edit_is_refused(cast, customers, login):
    customer = customers["rep1"]
    before = (customer.name, customer.credit_code, customer.phone)
    data = customer_post(cast.rep1, name="不应保存", credit_code=BAD_CODE, phone="0571-87654321")
    response = login(cast.rep1).post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code == 422
    assert 'id="id_credit_code_errors"' in html(response)
    customer.refresh_from_db()
    assert (customer.name, customer.credit_code, customer.phone) == before


# --- contacts and activities ------------------------------------------------------------------------


def test_it_adds_a_contact(cast, customers, login):
    customer = customers["rep1"]
    response = login(cast.rep1).post(
        f"/customers/{customer.pk}/contacts/",
        {"contact-name": "周科长", "contact-mobile": "139 0000 2222", "contact-is_primary": "on"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(customer=customer)
    assert contact.mobile == "13900002222" and contact.is_primary


def test_it_shows_a_bad_contact_mobile_under_its_field(cast, customers, login):
    customer = customers["rep1"]
    response = login(cast.rep1).post(
        f"/customers/{customer.pk}/contacts/", {"contact-name": "周科长", "contact-mobile": "0571-88886666"}
    )
    assert response.status_code == 422
    assert 'id="id_contact-mobile_errors"' in html(response)
    assert not Contact.objects.exists()


def test_it_adds_an_activity_with_a_photo(cast, customers, login):
    customer = customers["rep1"]
    photo = SimpleUploadedFile("名片.png", PNG, content_type="image/png")
    response = login(cast.rep1).post(
        f"/customers/{customer.pk}/activities/",
        {"activity-kind": "visit", "activity-text": "拜访刘主任，约下周演示", "activity-files": [photo]},
    )
    assert response.status_code == 302
    activity = Activity.objects.get(customer=customer)
    assert activity.kind == "visit" and activity.actor == cast.rep1 and activity.source == "web"
    assert [a.original_name for a in activity.attachments.all()] == ["名片.png"]
    assert activity.attachments.get().customer == customer
    customer.refresh_from_db()
    assert customer.last_activity_at == activity.occurred_at


def test_it_refuses_a_mislabelled_upload_and_stores_no_activity(cast, customers, login):
    customer = customers["rep1"]
    fake = SimpleUploadedFile("合同.pdf", PNG, content_type="application/pdf")
    response = login(cast.rep1).post(
        f"/customers/{customer.pk}/activities/",
        {"activity-kind": "note", "activity-text": "合同扫描件", "activity-files": [fake]},
    )
    assert response.status_code == 422
    assert 'id="id_activity-files_errors"' in html(response)
    assert not Activity.objects.exists()
    assert not Attachment.objects.exists()


def test_it_refuses_a_future_activity_and_keeps_no_file(cast, customers, login):
    customer = customers["rep1"]
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = login(cast.rep1).post(
        f"/customers/{customer.pk}/activities/",
        {
            "activity-kind": "visit",
            "activity-text": "明天拜访",
            "activity-occurred_at": "2099-01-01T10:00",
            "activity-files": [photo],
        },
    )
    assert response.status_code == 422
    assert 'id="id_activity-occurred_at_errors"' in html(response)
    assert not Activity.objects.exists()
    assert not Attachment.objects.exists()


def test_it_requires_text_for_an_activity(cast, customers, login):
    response = login(cast.rep1).post(
        f"/customers/{customers['rep1'].pk}/activities/", {"activity-kind": "call", "activity-text": ""}
    )
    assert response.status_code == 422
    assert 'id="id_activity-text_errors"' in html(response)
    assert not Activity.objects.exists()


def test_it_serves_an_activity_photo_to_the_owner_and_404_to_others(cast, customers, login, client):
    customer = customers["rep1"]
    photo = SimpleUploadedFile("门头照.png", PNG, content_type="image/png")
    login(cast.rep1).post(
        f"/customers/{customer.pk}/activities/",
        {"activity-kind": "visit", "activity-text": "拍了门头照", "activity-files": [photo]},
    )
    attachment = Attachment.objects.get()
    assert f"/files/{attachment.pk}/" in html(client.get(f"/customers/{customer.pk}/"))
    assert client.get(f"/files/{attachment.pk}/").status_code == 200
    client.force_login(cast.rep3)
    assert client.get(f"/files/{attachment.pk}/").status_code == 404


def test_it_gives_the_whole_page_when_htmx_restores_history(cast, customers, login):
    response = login(cast.rep1).get(
        "/customers/", {"q": "rep1"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in html(response)
    assert "HX-Request" in response["Vary"]


def test_it_asks_to_confirm_a_weekend_first_contact_and_saves_once_confirmed(cast, login):
    """The gatekeeper's default "confirm" rule, through the form: the message sits under the
    field, a confirm box appears, and the second submit with the box ticked saves."""
    client = login(cast.rep1)
    data = customer_post(cast.rep1, first_contact_at="2026-11-28T10:00")  # a Saturday
    first = client.post("/customers/new/", data)
    page = html(first)
    assert first.status_code == 422
    assert "请确认是否误填" in page.split('id="id_first_contact_at_errors"')[1].split("</ul>")[0]
    assert 'type="checkbox" name="confirm"' in page
    assert not Customer.objects.exists()
    second = client.post("/customers/new/", {**data, "confirm": "on"})
    assert second.status_code == 302
    assert Customer.objects.get().first_contact_at.weekday() == 5
