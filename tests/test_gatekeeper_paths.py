"""One gate on every write path: the same bad record gets the same verdict through the web form,
the REST API, an import and the admin — and each refusal is logged with its path."""

from __future__ import annotations

import io

import openpyxl
import pytest

from leadflow.attachments.services import attachment_store
from leadflow.core.writes import WriteContext
from leadflow.customers.models import Customer
from leadflow.gatekeeper.models import ViolationRecord
from leadflow.ingest.models import ImportJob
from leadflow.ingest.services import import_run

SATURDAY_LOCAL = "2026-11-28T10:00"
SATURDAY_ISO = "2026-11-28T10:00:00+08:00"
RULE = "first-contact-workday"


def via_web(client, cast):
    return client.post(
        "/customers/new/",
        {"name": "周末接触医院", "industry": "medical", "owner": cast.rep1.pk, "status": "lead", "source": "other",
         "first_contact_at": SATURDAY_LOCAL},
    )


def test_it_gives_the_same_verdict_on_every_path(cast, login, api_client, client):
    # web form
    web = via_web(login(cast.rep1), cast)
    assert web.status_code == 422
    assert "请确认是否误填" in web.content.decode()
    assert 'name="confirm"' in web.content.decode()
    # REST API
    api = api_client(cast.rep1).post(
        "/api/v1/customers", {"name": "周末接触医院", "first_contact_at": SATURDAY_ISO}, content_type="application/json"
    )
    assert api.status_code == 422
    body = api.json()
    assert [(v["rule"], v["field"], v["severity"]) for v in body["violations"]] == [(RULE, "first_contact_at", "confirm")]
    # import
    wb = openpyxl.Workbook()
    wb.active.append(["客户名称", "首次接触时间"])
    wb.active.append(["周末接触医院", "2026-11-28 10:00"])
    buf = io.BytesIO()
    wb.save(buf)
    ctx = WriteContext(actor=cast.rep1, source="import")
    f = attachment_store(data=buf.getvalue(), name="customers.xlsx", ctx=ctx, allowed={"xlsx", "csv"})
    job = import_run(ImportJob.objects.create(kind="customers", file=f, created_by=cast.rep1).pk)
    assert job.refused_count == 1
    assert [(v["rule"], v["severity"]) for v in job.report[0]["violations"]] == [(RULE, "confirm")]
    # admin
    admin = login(cast.admin).post(
        "/admin/customers/customer/add/",
        {"name": "周末接触医院", "industry": "medical", "owner": cast.rep1.pk, "status": "lead", "source": "other",
         "first_contact_at_0": "2026-11-28", "first_contact_at_1": "10:00:00", "payment_terms": ""},
    )
    assert admin.status_code == 200
    assert "请确认是否误填" in admin.content.decode()

    assert not Customer.objects.filter(name="周末接触医院").exists()
    log = ViolationRecord.objects.filter(rule_key=RULE, outcome="refused")
    assert sorted(log.values_list("source", flat=True)) == ["admin", "api", "import", "web"]
    assert set(log.values_list("field", flat=True)) == {"first_contact_at"}


def test_it_stores_the_record_once_confirmed_on_every_path(cast, login, api_client):
    web = login(cast.rep1).post(
        "/customers/new/",
        {"name": "网页确认", "industry": "medical", "owner": cast.rep1.pk, "status": "lead", "source": "other",
         "first_contact_at": SATURDAY_LOCAL, "confirm": "on"},
    )
    assert web.status_code == 302
    api = api_client(cast.rep1).post(
        "/api/v1/customers", {"name": "接口确认", "first_contact_at": SATURDAY_ISO, "confirm": True}, content_type="application/json"
    )
    assert api.status_code == 201
    assert "confirm" not in api.json()
    wb = openpyxl.Workbook()
    wb.active.append(["客户名称", "首次接触时间"])
    wb.active.append(["导入确认", "2026-11-28 10:00"])
    buf = io.BytesIO()
    wb.save(buf)
    f = attachment_store(data=buf.getvalue(), name="c.xlsx", ctx=WriteContext(actor=cast.rep1), allowed={"xlsx"})
    job = import_run(ImportJob.objects.create(kind="customers", file=f, created_by=cast.rep1, confirm=True).pk)
    assert job.created_count == 1
    assert set(Customer.objects.values_list("name", flat=True)) == {"网页确认", "接口确认", "导入确认"}
    confirmed = ViolationRecord.objects.filter(outcome="confirmed")
    assert sorted(confirmed.values_list("source", flat=True)) == ["api", "import", "web"]
    assert all(r.actor == cast.rep1 for r in confirmed)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_it_refuses_a_confirm_that_is_not_a_boolean(cast, api_client, value):
    response = api_client(cast.rep1).post(
        "/api/v1/customers", {"name": "x", "confirm": value}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "confirm"


def test_it_blocks_a_stage_jump_the_same_way_on_web_and_api(cast, login, api_client):
    from tests.factories import DealFactory

    deal = DealFactory(customer__owner=cast.rep1)
    contract = deal.pipeline.stages.get(position=6)
    api = api_client(cast.rep1).post(f"/api/v1/deals/{deal.pk}/stage", {"stage_id": contract.pk}, content_type="application/json")
    assert api.status_code == 422
    assert api.json()["violations"][0]["rule"] == "stage-jump-evidence"
    web = login(cast.rep1).post(f"/deals/{deal.pk}/stage/", {"stage-stage": contract.pk, "stage-note": ""})
    assert web.status_code == 422
    assert "合同扫描件" in web.content.decode()
    deal.refresh_from_db()
    assert deal.stage.position == 1
    assert sorted(ViolationRecord.objects.values_list("source", flat=True)) == ["api", "web"]


def test_it_answers_202_for_a_held_payment_and_lists_it_for_finance(cast, api_client, customers):
    client = api_client(cast.rep1)
    customer = customers["rep1"]
    for amount in ("10000.00", "10000.00"):
        assert client.post("/api/v1/payments", {"customer_id": customer.pk, "amount": amount, "received_at": "2026-11-02T10:00:00+08:00"}, content_type="application/json").status_code == 201
    held = client.post("/api/v1/payments", {"customer_id": customer.pk, "amount": "50000.00", "received_at": "2026-11-20T10:00:00+08:00"}, content_type="application/json")
    assert held.status_code == 202
    assert held.json()["review_status"] == "pending"
    assert client.get("/api/v1/reviews").status_code == 403
    finance = api_client(cast.finance)
    queue = finance.get("/api/v1/reviews").json()
    assert [p["id"] for p in queue["items"]] == [held.json()["id"]]
    assert finance.post(f"/api/v1/reviews/{held.json()['id']}/reject", {"comment": ""}, content_type="application/json").status_code == 422
    ok = finance.post(f"/api/v1/reviews/{held.json()['id']}/approve", {"comment": "预付款"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["review_status"] == "accepted"
    again = finance.post(f"/api/v1/reviews/{held.json()['id']}/approve", {}, content_type="application/json")
    assert again.status_code == 409


def test_it_lets_only_admins_read_and_replace_the_rules(cast, api_client):
    assert api_client(cast.manager1).get("/api/v1/rules").status_code == 403
    admin = api_client(cast.admin)
    rules = admin.get("/api/v1/rules").json()
    assert {r["key"] for r in rules} >= {"first-contact-workday", "stage-jump-evidence", "payment-outlier"}
    bad = admin.put("/api/v1/rules", {"rules": [{**rules[0], "kind": "nonsense"}]}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rules[0].kind"
    new = {"key": "phone-required", "name": "电话必填", "entity": "customer", "fields": ["phone"], "kind": "required",
           "severity": "block", "message_zh": "请填写电话"}
    assert admin.put("/api/v1/rules", {"rules": [new]}, content_type="application/json").json() == {"created": 1, "updated": 0, "deactivated": 0}
    refused = api_client(cast.rep1).post("/api/v1/customers", {"name": "无电话"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["violations"][0]["rule"] == "phone-required"


def test_it_reports_freshness(cast, api_client, customers):
    from leadflow.activities.services import activity_record

    activity_record(customer=customers["rep1"], kind="visit", ctx=WriteContext(actor=cast.rep1, source="mobile"))
    rows = api_client(cast.director).get("/api/v1/freshness").json()
    assert {(r["region"], r["metric"], r["source"], r["stale"]) for r in rows} >= {("华东", "contact", "mobile", False)}


def test_it_accepts_a_stage_jump_with_a_contract_scan_uploaded_through_the_api(cast, api_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import DealFactory

    client = api_client(cast.rep1)
    deal = DealFactory(customer__owner=cast.rep1)
    contract = deal.pipeline.stages.get(position=6)
    pdf = SimpleUploadedFile("合同扫描件.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    upload = client.post("/api/v1/attachments", {"file": pdf, "kind": "contract_scan"})
    assert upload.status_code == 201 and upload.json()["kind"] == "contract_scan"
    bad_kind = client.post("/api/v1/attachments", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), "kind": "selfie"})
    assert bad_kind.status_code == 422
    moved = client.post(
        f"/api/v1/deals/{deal.pk}/stage", {"stage_id": contract.pk, "evidence_ids": [upload.json()["id"]]},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["stage"]["name"] == "合同签署"
