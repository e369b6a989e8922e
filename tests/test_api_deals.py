"""Deals through the REST API: list, create, read, update, stage change, pipelines."""

from __future__ import annotations

import json

import pytest

from leadflow.activities.models import Activity
from leadflow.attachments.services import attachment_store
from leadflow.audit.models import AuditEntry
from leadflow.core.writes import WriteContext
from leadflow.deals.models import Deal, Pipeline
from tests.factories import DealFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def rep1(cast, api_en):
    return api_en(cast.rep1)


@pytest.fixture
def deal(customers):
    return DealFactory(customer=customers["rep1"], name="监护仪项目", amount=50000)


def stage_at(deal: Deal, position_index: int):
    return list(deal.pipeline.stages.order_by("position"))[position_index]


def test_it_opens_a_deal_at_the_first_stage_of_the_industry_pipeline(cast, customers, rep1):
    customer = customers["rep1"]  # industry "medical"
    response = post(
        rep1, "/api/v1/deals", {"customer_id": customer.pk, "name": "彩超采购", "amount": "380000.00"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    pipeline = Pipeline.objects.get(industry="medical")
    assert body["pipeline_id"] == pipeline.pk
    assert body["stage"]["id"] == pipeline.stages.order_by("position").first().pk
    assert body["customer"] == {"id": customer.pk, "name": customer.name}
    assert body["owner"]["username"] == "rep1"
    assert body["amount"] == "380000.00"
    deal = Deal.objects.get(pk=body["id"])
    assert AuditEntry.objects.filter(entity="deals.deal", object_id=str(deal.pk), action="create").exists()
    opened = Activity.objects.get(deal=deal)
    assert opened.payload["event"] == "deal_created" and opened.source == "api"


def test_it_opens_a_deal_at_a_chosen_stage(cast, customers, rep1):
    pipeline = Pipeline.objects.get(is_default=True)
    stage = pipeline.stages.order_by("position")[2]
    response = post(
        rep1, "/api/v1/deals", {"customer_id": customers["rep1"].pk, "name": "x", "stage_id": stage.pk}
    )
    assert response.status_code == 201
    assert response.json()["stage"]["name"] == stage.name
    assert response.json()["pipeline_id"] == pipeline.pk


def test_it_lists_visible_deals_with_filters_and_pages(cast, customers, api_en):
    for owner in ("rep1", "rep1", "rep2", "rep3"):
        DealFactory(customer=customers[owner], name=f"{owner}的项目")
    moved = DealFactory(customer=customers["rep1"], name="推进中的项目")
    moved.stage = stage_at(moved, 3)
    moved.save()

    def names(user, query=""):
        response = api_en(user).get(f"/api/v1/deals?page_size=50&{query}")
        assert response.status_code == 200
        return sorted(d["name"] for d in response.json()["items"])

    assert names(cast.rep1) == ["rep1的项目", "rep1的项目", "推进中的项目"]
    assert names(cast.manager1) == ["rep1的项目", "rep1的项目", "rep2的项目", "推进中的项目"]
    assert names(cast.finance) == []
    assert names(cast.rep1, f"stage_id={moved.stage_id}") == ["推进中的项目"]
    assert names(cast.rep1, "q=推进") == ["推进中的项目"]
    assert names(cast.manager1, f"owner_id={cast.rep2.pk}") == ["rep2的项目"]
    page = api_en(cast.rep1).get("/api/v1/deals?page_size=2").json()
    assert page["count"] == 3 and len(page["items"]) == 2


def test_it_reads_a_deal_and_hides_others(cast, customers, rep1, deal):
    assert rep1.get(f"/api/v1/deals/{deal.pk}").json()["name"] == "监护仪项目"
    other = DealFactory(customer=customers["rep3"])
    assert rep1.get(f"/api/v1/deals/{other.pk}").status_code == 404


def test_it_updates_a_deal_and_audits_the_change(cast, rep1, deal):
    response = rep1.patch(
        f"/api/v1/deals/{deal.pk}",
        data={"amount": "64000.50", "notes": "预算已批"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    deal.refresh_from_db()
    assert str(deal.amount) == "64000.50" and deal.notes == "预算已批" and deal.name == "监护仪项目"
    audit = AuditEntry.objects.get(entity="deals.deal", object_id=str(deal.pk), action="update")
    assert audit.changes["amount"] == ["50000.00", "64000.50"]


@pytest.mark.parametrize("field", ["name", "amount", "owner_id"])
def test_it_refuses_nulling_a_required_field(cast, rep1, deal, field):
    response = rep1.patch(f"/api/v1/deals/{deal.pk}", data={field: None}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    deal.refresh_from_db()
    assert deal.name == "监护仪项目" and deal.owner == cast.rep1


def test_it_moves_a_deal_with_note_and_evidence_onto_the_timeline(cast, rep1, deal):
    quote = attachment_store(
        data=PDF, name="报价单.pdf", ctx=WriteContext(actor=cast.rep1), customer_id=deal.customer_id
    )
    target = stage_at(deal, 2)
    response = post(
        rep1,
        f"/api/v1/deals/{deal.pk}/stage",
        {"stage_id": target.pk, "note": "已发报价", "evidence_ids": [quote.pk]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"]["id"] == target.pk
    deal.refresh_from_db()
    assert deal.stage == target
    moved = Activity.objects.get(deal=deal, kind="stage_change")
    assert moved.text == "已发报价"
    assert moved.payload["to_id"] == target.pk and moved.payload["jump"] == 2
    assert list(moved.attachments.all()) == [quote]
    audit = AuditEntry.objects.get(entity="deals.deal", object_id=str(deal.pk), action="stage_change")
    assert audit.changes["stage"] == [stage_at(deal, 0).pk, target.pk]


def test_it_answers_409_when_the_deal_moved_since_the_caller_looked(cast, rep1, deal):
    first, second, third = (stage_at(deal, i) for i in range(3))
    Deal.objects.filter(pk=deal.pk).update(stage=second)  # someone else moved the card
    response = post(
        rep1, f"/api/v1/deals/{deal.pk}/stage", {"stage_id": third.pk, "expected_stage_id": first.pk}
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "expected_stage_id"
    deal.refresh_from_db()
    assert deal.stage == second
    assert not Activity.objects.filter(kind="stage_change").exists()


def test_it_refuses_a_stage_of_another_pipeline(cast, rep1, deal):
    foreign = Pipeline.objects.exclude(pk=deal.pipeline_id).first().stages.first()
    response = post(rep1, f"/api/v1/deals/{deal.pk}/stage", {"stage_id": foreign.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stage"
    deal.refresh_from_db()
    assert deal.stage == stage_at(deal, 0)


def test_it_refuses_evidence_the_caller_cannot_see(cast, customers, rep1, deal):
    theirs = attachment_store(
        data=PDF, name="x.pdf", ctx=WriteContext(actor=cast.rep3), customer_id=customers["rep3"].pk
    )
    response = post(
        rep1,
        f"/api/v1/deals/{deal.pk}/stage",
        {"stage_id": stage_at(deal, 1).pk, "evidence_ids": [theirs.pk]},
    )
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "evidence_ids"
    deal.refresh_from_db()
    assert deal.stage == stage_at(deal, 0)


def test_it_treats_a_move_to_the_current_stage_as_done(cast, rep1, deal):
    response = post(rep1, f"/api/v1/deals/{deal.pk}/stage", {"stage_id": deal.stage_id})
    assert response.status_code == 200
    assert not Activity.objects.filter(kind="stage_change").exists()


def test_it_lists_pipelines_with_stages_in_order(cast, rep1):
    body = rep1.get("/api/v1/pipelines").json()
    default = next(p for p in body if p["is_default"])
    positions = [s["position"] for s in default["stages"]]
    assert positions == sorted(positions)
    assert default["stages"][0]["name"] == "初步接触"
