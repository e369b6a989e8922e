"""The API's error contract: JSON ``{"detail", "errors": [{"field", "message"}]}`` with the right
status for every kind of bad input, and never a 500."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from openapi_spec_validator import validate

from leadflow.customers.models import Customer
from leadflow.deals.models import Deal
from leadflow.org.tokens import token_create
from tests.factories import DealFactory, PaymentFactory, ProductFactory


def assert_error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for err in body["errors"]:
        assert set(err) >= {"field", "message"} and err["message"]
    if field is not None:
        assert field in {e["field"] for e in body["errors"]}, body
    return body


@pytest.fixture
def rep1(cast, api_en):
    return api_en(cast.rep1)


def post(client: Client, path: str, body, content_type: str = "application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, content_type=content_type)


# --- 400: the body is not JSON --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "x"',  # truncated
        "{'name': 'x'}",  # Python, not JSON
        '{"name": NaN}',
        '{"name": "x", "notes": Infinity}',
        b"\xff\xfe\x00garbage",  # not UTF-8
        "[" * 5000 + "]" * 5000,  # nested past any sane depth
    ],
)
def test_it_answers_400_for_malformed_json(cast, rep1, raw):
    body = assert_error(post(rep1, "/api/v1/customers", raw), 400, "body")
    assert "JSON" in body["detail"]
    assert not Customer.objects.exists()


# --- 401: who are you ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer lf_not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic cmVwMTpwdw=="},
        {"Authorization": "Bearer " + "x" * 5000},
    ],
)
def test_it_answers_401_without_a_valid_token(cast, customers, headers):
    client = Client(headers=headers)
    for path in (
        "/api/v1/customers",
        f"/api/v1/customers/{customers['rep1'].pk}",
        "/api/v1/deals",
        "/api/v1/orders",
    ):
        assert_error(client.get(path), 401)
    assert_error(post(client, "/api/v1/customers", {"name": "新客户"}), 401)
    assert not Customer.objects.filter(name="新客户").exists()


def test_it_answers_401_for_a_revoked_token(cast):
    from leadflow.org.tokens import token_revoke

    key = token_create(user=cast.rep1)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert client.get("/api/v1/customers").status_code == 200
    token_revoke(prefix=key[:12])
    assert_error(client.get("/api/v1/customers"), 401)


# --- 403: allowed to see, not allowed to do -----------------------------------------------


def test_it_answers_403_when_handing_a_deal_to_someone_out_of_reach(cast, customers, rep1):
    deal = DealFactory(customer=customers["rep1"])
    response = rep1.patch(
        f"/api/v1/deals/{deal.pk}", data={"owner_id": cast.rep3.pk}, content_type="application/json"
    )
    assert_error(response, 403)
    deal.refresh_from_db()
    assert deal.owner == cast.rep1


def test_it_answers_403_for_a_session_write_without_csrf(cast, customers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.rep1)
    assert client.get("/api/v1/customers").status_code == 200  # reads need no token
    assert_error(post(client, "/api/v1/customers", {"name": "跨站请求"}), 403)
    assert not Customer.objects.filter(name="跨站请求").exists()


# --- 404: another user's record looks exactly like no record ------------------------------


@pytest.fixture
def rep3_records(cast, customers):
    from leadflow.activities.services import activity_record
    from leadflow.attachments.services import attachment_store
    from leadflow.core.writes import WriteContext
    from leadflow.orders.services import order_create

    customer = customers["rep3"]
    ctx = WriteContext(actor=cast.rep3)
    order, _ = order_create(
        customer=customer, lines=[{"product_id": ProductFactory().pk, "quantity": 1}], ctx=ctx
    )
    contact = customer.contacts.create(name="王主任")
    file = attachment_store(
        data=b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", name="a.pdf", ctx=ctx, customer_id=customer.pk
    )
    activity_record(customer=customer, kind="visit", ctx=ctx, attachments=[file])
    return {
        "customers": customer.pk,
        "deals": DealFactory(customer=customer).pk,
        "orders": order.pk,
        "payments": PaymentFactory(customer=customer).pk,
        "contacts": contact.pk,
        "attachments": file.pk,
    }


@pytest.mark.parametrize("kind", ["customers", "deals", "orders", "payments", "contacts", "attachments"])
def test_it_answers_404_for_someone_elses_record(cast, rep1, rep3_records, kind):
    pk = rep3_records[kind]
    seen = assert_error(rep1.get(f"/api/v1/{kind}/{pk}"), 404)
    missing = assert_error(rep1.get(f"/api/v1/{kind}/{pk + 100000}"), 404)
    assert seen == missing  # not a hint that the record exists


def test_it_answers_404_when_writing_to_someone_elses_records(cast, rep1, rep3_records):
    ids = rep3_records
    assert_error(
        rep1.patch(
            f"/api/v1/customers/{ids['customers']}", data={"name": "x"}, content_type="application/json"
        ),
        404,
    )
    assert_error(
        rep1.patch(f"/api/v1/deals/{ids['deals']}", data={"name": "x"}, content_type="application/json"), 404
    )
    assert_error(
        rep1.patch(
            f"/api/v1/contacts/{ids['contacts']}", data={"name": "x"}, content_type="application/json"
        ),
        404,
    )
    stage = Deal.objects.get(pk=ids["deals"]).pipeline.stages.last()
    assert_error(post(rep1, f"/api/v1/deals/{ids['deals']}/stage", {"stage_id": stage.pk}), 404)
    assert_error(
        post(rep1, "/api/v1/deals", {"customer_id": ids["customers"], "name": "x"}), 404, "customer_id"
    )
    assert_error(
        post(rep1, "/api/v1/activities", {"customer_id": ids["customers"], "kind": "note", "text": "x"}),
        404,
        "customer_id",
    )
    assert_error(
        post(
            rep1,
            "/api/v1/payments",
            {"customer_id": ids["customers"], "amount": "1", "received_at": "2025-01-02T10:00:00+08:00"},
        ),
        404,
        "customer_id",
    )
    assert Deal.objects.get(pk=ids["deals"]).name != "x"


def test_it_answers_json_404_for_unknown_endpoints(cast, rep1):
    assert_error(rep1.get("/api/v1/no-such-thing"), 404)
    assert_error(rep1.get("/api/v1/customers/1/nothing-here"), 404)


# --- 409/422: duplicates name the field ---------------------------------------------------


def test_it_names_the_field_of_a_duplicate_credit_code(cast, customers, rep1):
    response = post(
        rep1, "/api/v1/customers", {"name": "另一家", "credit_code": customers["rep3"].credit_code}
    )
    body = assert_error(response, 422, "credit_code")
    assert "already exists" in json.dumps(body)
    assert not Customer.objects.filter(name="另一家").exists()


def test_it_names_the_field_of_a_duplicate_order_number(cast, customers, rep1):
    product = ProductFactory()
    first = post(
        rep1,
        "/api/v1/orders",
        {
            "customer_id": customers["rep1"].pk,
            "number": "SO-1",
            "lines": [{"product_id": product.pk, "quantity": 1}],
        },
    )
    assert first.status_code == 201
    again = post(
        rep1,
        "/api/v1/orders",
        {
            "customer_id": customers["rep1"].pk,
            "number": "SO-1",
            "lines": [{"product_id": product.pk, "quantity": 2}],
        },
    )
    assert again.status_code in (409, 422)
    assert_error(again, again.status_code, "number")


# --- 422: every kind of bad field ---------------------------------------------------------

HUGE = 10**30


@pytest.fixture
def ids(cast, customers):
    deal = DealFactory(customer=customers["rep1"])
    return {"customer": customers["rep1"].pk, "deal": deal.pk, "product": ProductFactory().pk}


BAD_BODIES = [
    # (path, body, field)
    ("/api/v1/customers", {}, "name"),
    ("/api/v1/customers", {"name": 123}, "name"),
    ("/api/v1/customers", {"name": ""}, "name"),
    ("/api/v1/customers", {"name": "客" * 100_000}, "name"),
    ("/api/v1/customers", {"name": "好客户", "legal_representative": "x" * 10_000}, "legal_representative"),
    ("/api/v1/customers", {"name": "好客户", "industry": "spaceships"}, "industry"),
    ("/api/v1/customers", {"name": "好客户", "status": "married"}, "status"),
    ("/api/v1/customers", {"name": "好客户", "owner_id": "rep1"}, "owner_id"),
    ("/api/v1/customers", {"name": "好客户", "owner_id": HUGE}, "owner_id"),
    ("/api/v1/customers", {"name": "好客户", "owner_id": -1}, "owner_id"),
    ("/api/v1/customers", {"name": "好客户", "first_contact_at": "2025-03-01T09:30:00"}, "first_contact_at"),
    ("/api/v1/customers", {"name": "好客户", "first_contact_at": "yesterday"}, "first_contact_at"),
    ("/api/v1/customers", {"name": "好客\u0000户"}, "name"),
    ("/api/v1/customers", {"name": "好客户", "notes": "\ud800"}, "notes"),
    ("/api/v1/customers", [{"name": "好客户"}], "body"),
    ("/api/v1/customers", '"just a string"', "body"),
    ("/api/v1/customers", "42", "body"),
    ("/api/v1/deals", {"customer_id": "abc", "name": "项目"}, "customer_id"),
    ("/api/v1/deals", {"customer_id": HUGE, "name": "项目"}, "customer_id"),
    ("/api/v1/deals", {"customer_id": "{customer}", "name": "项目", "amount": -5}, "amount"),
    ("/api/v1/deals", {"customer_id": "{customer}", "name": "项目", "amount": "lots"}, "amount"),
    ("/api/v1/deals", {"customer_id": "{customer}", "name": "项目", "amount": "1.005"}, "amount"),
    ("/api/v1/deals", {"customer_id": "{customer}", "name": "项目", "amount": 10**20}, "amount"),
    ("/api/v1/deals", {"customer_id": "{customer}", "name": "项目", "stage_id": 999999}, "stage_id"),
    (
        "/api/v1/deals",
        {"customer_id": "{customer}", "name": "项目", "product_line_id": 999999},
        "product_line_id",
    ),
    ("/api/v1/activities", {"customer_id": "{customer}", "kind": "telepathy"}, "kind"),
    (
        "/api/v1/activities",
        {"customer_id": "{customer}", "kind": "visit", "occurred_at": "2025-03-01 09:30"},
        "occurred_at",
    ),
    (
        "/api/v1/activities",
        {"customer_id": "{customer}", "kind": "visit", "occurred_at": "2999-01-01T00:00:00+08:00"},
        "occurred_at",
    ),
    ("/api/v1/activities", {"customer_id": "{customer}", "kind": "visit", "source": "web"}, "source"),
    ("/api/v1/activities", {"customer_id": "{customer}", "kind": "visit", "payload": [1, 2]}, "payload"),
    (
        "/api/v1/activities",
        {"customer_id": "{customer}", "kind": "visit", "payload": {"k": "x" * 70_000}},
        "payload",
    ),
    (
        "/api/v1/activities",
        {"customer_id": "{customer}", "kind": "visit", "payload": {"k\u0000": 1}},
        "payload",
    ),
    (
        "/api/v1/activities",
        {"customer_id": "{customer}", "kind": "visit", "attachment_ids": ["a"]},
        "attachment_ids[0]",
    ),
    (
        "/api/v1/activities",
        {"customer_id": "{customer}", "kind": "visit", "external_id": "x" * 200},
        "external_id",
    ),
    ("/api/v1/orders", {"customer_id": "{customer}", "lines": []}, "lines"),
    (
        "/api/v1/orders",
        {"customer_id": "{customer}", "lines": [{"product_id": "{product}", "quantity": 0}]},
        "lines[0].quantity",
    ),
    (
        "/api/v1/orders",
        {"customer_id": "{customer}", "lines": [{"product_id": "{product}", "quantity": "NaN"}]},
        "lines[0].quantity",
    ),
    (
        "/api/v1/orders",
        {"customer_id": "{customer}", "lines": [{"product_id": "{product}", "quantity": "Infinity"}]},
        "lines[0].quantity",
    ),
    (
        "/api/v1/orders",
        {"customer_id": "{customer}", "lines": [{"product_id": 999999, "quantity": 1}]},
        "lines[0].product_id",
    ),
    (
        "/api/v1/orders",
        {
            "customer_id": "{customer}",
            "deal_id": 999999,
            "lines": [{"product_id": "{product}", "quantity": 1}],
        },
        "deal_id",
    ),
    (
        "/api/v1/payments",
        {"customer_id": "{customer}", "amount": "-100", "received_at": "2025-01-02T10:00:00+08:00"},
        "amount",
    ),
    (
        "/api/v1/payments",
        {"customer_id": "{customer}", "amount": "¥100", "received_at": "2025-01-02T10:00:00+08:00"},
        "amount",
    ),
    (
        "/api/v1/payments",
        {"customer_id": "{customer}", "amount": "100", "received_at": "2025-01-02T10:00:00"},
        "received_at",
    ),
    (
        "/api/v1/payments",
        {
            "customer_id": "{customer}",
            "amount": "100",
            "received_at": "2025-01-02T10:00:00+08:00",
            "method": "barter",
        },
        "method",
    ),
    ("/api/v1/payments", {"customer_id": "{customer}", "amount": "100"}, "received_at"),
    ("/api/v1/deals/{deal}/stage", {}, "stage_id"),
    ("/api/v1/deals/{deal}/stage", {"stage_id": 999999}, "stage_id"),
    ("/api/v1/deals/{deal}/stage", {"stage_id": "next"}, "stage_id"),
    ("/api/v1/deals/{deal}/stage", {"stage_id": 1, "evidence_ids": "a.pdf"}, "evidence_ids"),
]


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize(("path", "body", "field"), BAD_BODIES)
def test_it_answers_422_naming_the_bad_field(cast, rep1, ids, path, body, field):
    counts = (Customer.objects.count(), Deal.objects.count())
    response = post(rep1, path.format(**ids), _fill(body, ids))
    assert_error(response, 422, field)
    assert (Customer.objects.count(), Deal.objects.count()) == counts


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/customers/abc",
        "/api/v1/customers/-1",
        f"/api/v1/customers/{HUGE}",
        "/api/v1/customers/1.5",
        f"/api/v1/deals/{HUGE}",
        "/api/v1/orders/x",
        "/api/v1/customers?owner_id=abc",
        f"/api/v1/customers?owner_id={HUGE}",
        f"/api/v1/deals?stage_id={HUGE}",
        "/api/v1/customers?page=abc",
        "/api/v1/customers?q=%00",
        "/api/v1/customers?q=" + "长" * 200,
        "/api/v1/orders?status=lost-in-mail",
        "/api/v1/payments?review_status=maybe",
    ],
)
def test_it_answers_422_for_bad_ids_and_filters(cast, rep1, path):
    response = rep1.get(path)
    assert response.status_code in (404, 422), response.content
    assert_error(response, response.status_code)


@pytest.mark.parametrize("page", ["0", "-3", str(HUGE), "999999"])
def test_it_keeps_out_of_range_pages_harmless(cast, customers, rep1, page):
    response = rep1.get(f"/api/v1/customers?page={page}&page_size=100000")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_it_refuses_the_wrong_content_type(cast, rep1):
    form = rep1.post("/api/v1/customers", data={"name": "表单客户"})  # multipart form, not JSON
    assert_error(form, 400)
    text = rep1.post("/api/v1/customers", data="name=表单客户", content_type="text/plain")
    assert_error(text, 400)
    assert not Customer.objects.exists()


def test_it_answers_422_for_an_empty_body(cast, rep1):
    body = assert_error(
        rep1.post("/api/v1/customers", data=b"", content_type="application/json"), 422, "body"
    )
    assert "empty" in body["errors"][0]["message"]


def test_it_refuses_a_body_over_the_request_limit(cast, rep1, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(rep1, "/api/v1/customers", {"name": "大", "notes": "x" * 20_000})
    assert_error(response, 413)
    assert not Customer.objects.exists()


def test_it_translates_messages_to_chinese_by_default(cast, api_client):
    response = api_client(cast.rep1).post(
        "/api/v1/customers", data='{"name": ""}', content_type="application/json"
    )
    body = assert_error(response, 422, "name")
    chinese = re.compile("[\u4e00-\u9fff]")
    assert chinese.search(body["detail"]) or chinese.search(body["errors"][0]["message"]), body
    english = api_client(cast.rep1).post(
        "/api/v1/customers",
        data='{"name": ""}',
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert not chinese.search(json.dumps(english.json(), ensure_ascii=False))


# --- OpenAPI and the docs -----------------------------------------------------------------


def test_it_serves_a_valid_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    paths = spec["paths"]
    for path in (
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}/timeline",
        "/api/v1/contacts/{contact_id}",
        "/api/v1/deals/{deal_id}/stage",
        "/api/v1/activities",
        "/api/v1/orders",
        "/api/v1/payments",
        "/api/v1/attachments",
        "/api/v1/pipelines",
    ):
        assert path in paths
    assert "bearerAuth" in json.dumps(spec["components"]["securitySchemes"]) or "BearerToken" in json.dumps(
        spec
    )


def test_it_renders_the_docs_from_local_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset  # shipped by django-ninja, collected with our static files
