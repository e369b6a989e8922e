"""Customers and contacts through the REST API, including one round trip over real HTTP."""

from __future__ import annotations

import http.client
import json
import urllib.parse

import pytest

from leadflow.audit.models import AuditEntry
from leadflow.customers.models import Contact, Customer
from leadflow.org.tokens import token_create
from tests.factories import ActivityFactory, ContactFactory, CustomerFactory

GOOD_CODE = "91330106MA27XYB0K4"
BAD_CHECK = "91330106MA27XYB0K5"


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def patch(client, path, body):
    return client.patch(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def rep1(cast, api_en):
    return api_en(cast.rep1)


def test_it_creates_a_customer_with_normalised_code_phone_and_parsed_address(cast, rep1):
    response = post(
        rep1,
        "/api/v1/customers",
        {
            "name": " 杭州仁和医疗器械有限公司 ",
            "credit_code": "9133 0106 ma27 xyb0 k4",
            "phone": "0571 8888 6666",
            "address": "浙江省杭州市余杭区文一西路969号",
            "industry": "medical",
            "status": "prospect",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["credit_code"] == GOOD_CODE
    assert body["phone"] == "0571-88886666"
    assert (body["province"], body["city"], body["district"]) == ("浙江省", "杭州市", "余杭区")
    assert body["owner"]["username"] == "rep1"
    customer = Customer.objects.get(pk=body["id"])
    assert customer.name == "杭州仁和医疗器械有限公司"
    assert customer.created_via == "api"
    audit = AuditEntry.objects.get(entity="customers.customer", object_id=str(customer.pk))
    assert audit.action == "create" and audit.source == "api" and audit.actor == cast.rep1
    assert audit.path == "/api/v1/customers"
    assert audit.changes["credit_code"] == [None, GOOD_CODE]


def test_it_refuses_a_wrong_check_character_and_stores_nothing(cast, rep1):
    response = post(rep1, "/api/v1/customers", {"name": "错码公司", "credit_code": BAD_CHECK})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == "credit_code"
    assert "check character" in errors[0]["message"]
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("phone", ["12345", "1381234567", "400-000", "abc"])
def test_it_refuses_a_bad_phone(cast, rep1, phone):
    response = post(rep1, "/api/v1/customers", {"name": "错号公司", "phone": phone})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "phone"
    assert not Customer.objects.exists()


def test_it_refuses_an_owner_out_of_reach(cast, rep1):
    response = post(rep1, "/api/v1/customers", {"name": "别人的客户", "owner_id": cast.rep3.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owner"
    assert not Customer.objects.exists()


def test_it_lets_a_manager_assign_a_teammate(cast, api_en):
    response = post(
        api_en(cast.manager1), "/api/v1/customers", {"name": "分配客户", "owner_id": cast.rep2.pk}
    )
    assert response.status_code == 201
    assert Customer.objects.get(name="分配客户").owner == cast.rep2


def test_it_pages_the_list_as_items_and_count(cast, rep1):
    for i in range(5):
        CustomerFactory(owner=cast.rep1, name=f"客户{i}")
    CustomerFactory(owner=cast.rep3, name="别人的")
    first = rep1.get("/api/v1/customers?page_size=2").json()
    assert set(first) == {"items", "count", "count_capped"}
    assert first["count"] == 5 and len(first["items"]) == 2 and first["count_capped"] is False
    third = rep1.get("/api/v1/customers?page_size=2&page=3").json()
    assert len(third["items"]) == 1
    seen = {
        c["name"]
        for p in (1, 2, 3)
        for c in rep1.get(f"/api/v1/customers?page_size=2&page={p}").json()["items"]
    }
    assert seen == {f"客户{i}" for i in range(5)}


def test_it_searches_by_name_phone_and_credit_code_and_filters(cast, rep1):
    a = CustomerFactory(
        owner=cast.rep1, name="宁波海曙口腔诊所", phone="0574-87654321", city="宁波市", status="lead"
    )
    b = CustomerFactory(owner=cast.rep1, name="杭州五金批发部", city="杭州市", status="active")
    ContactFactory(customer=b, mobile="13912345678")
    CustomerFactory(owner=cast.rep3, name="宁波另一家诊所")

    def names(query):
        response = rep1.get(f"/api/v1/customers?{query}")
        assert response.status_code == 200
        return {c["name"] for c in response.json()["items"]}

    assert names("q=诊所") == {a.name}
    assert names("q=0574-8765") == {a.name}
    assert names("q=1391234") == {b.name}
    assert names(f"q={b.credit_code.lower()}") == {b.name}
    assert names("city=宁波市") == {a.name}
    assert names("status=active") == {b.name}
    assert names(f"owner_id={cast.rep1.pk}") == {a.name, b.name}


def test_it_counts_up_to_the_cap_and_says_when_there_are_more(cast, rep1, monkeypatch):
    monkeypatch.setattr("leadflow.core.api.COUNT_CAP", 3)
    for i in range(7):
        CustomerFactory(owner=cast.rep1, name=f"计数客户{i}")
    first = rep1.get("/api/v1/customers?page_size=2").json()
    assert (len(first["items"]), first["count"], first["count_capped"]) == (2, 3, True)
    # Up to the end of the page asked for, at least; a page that is not full is the last one.
    third = rep1.get("/api/v1/customers?page_size=2&page=3").json()
    assert (len(third["items"]), third["count"], third["count_capped"]) == (2, 6, True)
    last = rep1.get("/api/v1/customers?page_size=2&page=4").json()
    assert (len(last["items"]), last["count"], last["count_capped"]) == (1, 7, False)
    past = rep1.get("/api/v1/customers?page_size=2&page=9").json()
    assert (past["items"], past["count"], past["count_capped"]) == ([], 7, False)  # counted to page 9
    one = rep1.get("/api/v1/customers?q=计数客户1").json()
    assert ([c["name"] for c in one["items"]], one["count"], one["count_capped"]) == (["计数客户1"], 1, False)


def test_it_documents_the_page_shape_in_openapi(cast, rep1):
    schema = rep1.get("/api/v1/openapi.json").json()["components"]["schemas"]
    page = next(v for k, v in schema.items() if k.startswith("Paged") and "CustomerOut" in k)
    assert {"items", "count", "count_capped"} <= set(page["properties"])
    assert "1,000" in page["properties"]["count"]["description"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("91330106MA27XYB0K4", "code"),  # a whole credit code: exact
        ("91330106ma27xyb0k4", "code"),
        ("13912345678", "mobile"),  # a contact's mobile, whole or its start
        ("139 1234", "mobile"),
        ("+86 139-1234-5678", "mobile"),
        ("0574-87654321", "landline"),  # the customer's phone, as typed or as digits
        ("057487654", "landline"),
        ("+86 574 8765 4321", "landline"),
        ("13800005555", "own mobile"),  # the customer's own phone is a mobile
    ],
)
def test_it_looks_codes_and_phone_numbers_up_by_their_own_columns(cast, rep1, query, found):
    code = CustomerFactory(owner=cast.rep1, name="代码客户", credit_code=GOOD_CODE)
    mobile = CustomerFactory(owner=cast.rep1, name="手机客户")
    ContactFactory(customer=mobile, mobile="13912345678")
    landline = CustomerFactory(owner=cast.rep1, name="座机客户", phone="0574-87654321")
    own = CustomerFactory(owner=cast.rep1, name="自有手机客户", phone="13800005555")
    # Names that hold the same digits or letters are not a match: a code or a number is no name search.
    CustomerFactory(owner=cast.rep1, name=f"名称含{query}的公司")
    hidden = CustomerFactory(owner=cast.rep3, name="别人的手机客户")
    ContactFactory(customer=hidden, mobile="13912345678")
    expected = {"code": code, "mobile": mobile, "landline": landline, "own mobile": own}[found]
    body = rep1.get("/api/v1/customers", {"q": query}).json()
    assert [c["id"] for c in body["items"]] == [expected.pk]
    assert (body["count"], body["count_capped"]) == (1, False)


def test_it_searches_names_for_short_numbers_and_other_text(cast, rep1):
    a = CustomerFactory(owner=cast.rep1, name="3M中国代理 0571店", phone="0571-87654321")
    b = CustomerFactory(owner=cast.rep1, name="ABC医疗")

    def names(q):
        return {c["name"] for c in rep1.get("/api/v1/customers", {"q": q}).json()["items"]}

    assert names("0571") == {a.name}  # under 7 digits: a name search
    assert names("abc") == {b.name}  # case-insensitive
    assert names("3m") == {a.name}
    assert names("87654321") == set()  # a local number without its area code is no prefix


def test_it_serves_name_search_from_a_trigram_index_on_postgresql(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'customer_name_upper_trgm'")
        (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition and "upper" in definition.lower()
        # On an empty test table any plan is cheap: rule out the others to see that the index fits.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        sql, params = (
            Customer.objects.filter(name__icontains="医疗器械")
            .order_by()
            .values("pk")
            .query.sql_with_params()
        )
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_name_upper_trgm" in plan


def test_it_patches_only_the_sent_fields_and_audits_before_and_after(cast, customers, rep1):
    customer = customers["rep1"]
    old_status = customer.status
    response = patch(
        rep1, f"/api/v1/customers/{customer.pk}", {"status": "dormant", "address": "江苏省苏州市相城区"}
    )
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert customer.status == "dormant"
    assert customer.name == "rep1的客户"
    assert (customer.province, customer.city, customer.district) == ("江苏省", "苏州市", "相城区")
    audit = AuditEntry.objects.get(entity="customers.customer", object_id=str(customer.pk), action="update")
    assert audit.changes["status"] == [old_status, "dormant"]
    assert audit.changes["city"] == ["杭州市", "苏州市"]
    assert "name" not in audit.changes


def test_it_keeps_the_customer_unchanged_when_a_patch_is_refused(cast, customers, rep1):
    customer = customers["rep1"]
    response = patch(
        rep1, f"/api/v1/customers/{customer.pk}", {"status": "dormant", "credit_code": BAD_CHECK}
    )
    assert response.status_code == 422
    customer.refresh_from_db()
    assert customer.status == "active"
    assert not AuditEntry.objects.filter(action="update").exists()


def test_it_serves_the_timeline_newest_first(cast, customers, rep1):
    from django.utils import timezone

    customer = customers["rep1"]
    now = timezone.now()
    for days in (3, 1, 2):
        ActivityFactory(
            customer=customer, occurred_at=now - timezone.timedelta(days=days), text=f"{days}天前"
        )
    body = rep1.get(f"/api/v1/customers/{customer.pk}/timeline?page_size=2").json()
    assert body["count"] == 3
    assert [a["text"] for a in body["items"]] == ["1天前", "2天前"]


def test_it_adds_reads_and_patches_contacts(cast, customers, rep1):
    customer = customers["rep1"]
    created = post(
        rep1, f"/api/v1/customers/{customer.pk}/contacts", {"name": "王主任", "mobile": "+86 138 1234 5678"}
    )
    assert created.status_code == 201, created.content
    contact_id = created.json()["id"]
    assert created.json()["mobile"] == "13812345678"
    assert rep1.get(f"/api/v1/contacts/{contact_id}").json()["name"] == "王主任"
    changed = patch(
        rep1, f"/api/v1/contacts/{contact_id}", {"title": "设备科主任", "phone": "(0571)8888-6666"}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["phone"] == "0571-88886666"
    assert changed.json()["mobile"] == "13812345678"
    listed = rep1.get(f"/api/v1/customers/{customer.pk}/contacts").json()
    assert [c["title"] for c in listed] == ["设备科主任"]


def test_it_refuses_a_landline_as_a_contacts_mobile(cast, customers, rep1):
    contact = ContactFactory(customer=customers["rep1"])
    response = patch(rep1, f"/api/v1/contacts/{contact.pk}", {"mobile": "0571-88886666"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "mobile"
    assert Contact.objects.get(pk=contact.pk).mobile == contact.mobile


def test_it_hides_another_reps_contacts(cast, customers, rep1):
    contact = ContactFactory(customer=customers["rep3"])
    assert rep1.get(f"/api/v1/contacts/{contact.pk}").status_code == 404
    assert rep1.get(f"/api/v1/customers/{customers['rep3'].pk}/contacts").status_code == 404


def over_http(live_server, method: str, path: str, body: dict | None = None, token: str | None = None):
    """One request over a real socket to the live server: (status, JSON body)."""
    url = urllib.parse.urlsplit(live_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {"Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_creates_and_reads_back_a_customer_over_real_http(cast, live_server):
    token = token_create(user=cast.rep1)
    body = {"name": "真实HTTP客户", "credit_code": GOOD_CODE, "phone": "13812345678"}
    status, created = over_http(live_server, "POST", "/api/v1/customers", body, token)
    assert status == 201, created
    status, read = over_http(live_server, "GET", f"/api/v1/customers/{created['id']}", token=token)
    assert (status, read["credit_code"], read["name"]) == (200, GOOD_CODE, "真实HTTP客户")
    assert Customer.objects.get(pk=created["id"]).created_via == "api"
    # over the same wire: no token, and another rep asking
    status, refused = over_http(live_server, "GET", f"/api/v1/customers/{created['id']}")
    assert status == 401 and refused["detail"]
    status, hidden = over_http(
        live_server, "GET", f"/api/v1/customers/{created['id']}", token=token_create(user=cast.rep3)
    )
    assert status == 404 and hidden["detail"]
    status, bad = over_http(
        live_server, "POST", "/api/v1/customers", {"name": "错码", "credit_code": "91330106MA27XYB0K5"}, token
    )
    assert status == 422 and bad["errors"][0]["field"] == "credit_code"
