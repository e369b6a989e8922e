"""POST /api/v1/activities: the timeline's way in for connectors and scripts, idempotent on
(source, external_id)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from leadflow.activities.models import Activity
from leadflow.attachments.services import attachment_store
from leadflow.audit.models import AuditEntry
from leadflow.core.writes import WriteContext
from tests.factories import CustomerFactory, DealFactory

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 32


def post(client, body):
    return client.post("/api/v1/activities", data=json.dumps(body), content_type="application/json")


@pytest.fixture
def rep1(cast, api_en):
    return api_en(cast.rep1)


def test_it_records_an_activity_on_the_timeline(cast, customers, rep1):
    customer = customers["rep1"]
    response = post(
        rep1,
        {
            "customer_id": customer.pk,
            "kind": "visit",
            "occurred_at": "2025-03-01T09:30:00+08:00",
            "text": "拜访设备科王主任",
            "payload": {"duration_min": 40, "people": ["王主任", "李工"]},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get(pk=body["id"])
    assert activity.occurred_at == dt.datetime(2025, 3, 1, 1, 30, tzinfo=dt.UTC)
    assert activity.source == "api" and activity.actor == cast.rep1
    assert activity.payload == {"duration_min": 40, "people": ["王主任", "李工"]}
    customer.refresh_from_db()
    assert customer.last_activity_at == activity.occurred_at
    timeline = rep1.get(f"/api/v1/customers/{customer.pk}/timeline").json()
    assert [a["id"] for a in timeline["items"]] == [activity.pk]


def test_it_stores_the_same_external_id_once(cast, customers, rep1):
    body = {
        "customer_id": customers["rep1"].pk,
        "kind": "chat",
        "text": "客户：下周来看样机",
        "external_id": "wx-msg-001",
        "source": "wecom",
    }
    first = post(rep1, body)
    assert first.status_code == 201
    again = post(rep1, {**body, "text": "重发的同一条消息"})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Activity.objects.count() == 1
    assert Activity.objects.get().text == "客户：下周来看样机"
    assert AuditEntry.objects.filter(entity="activities.activity").count() == 1


def test_it_keys_idempotency_on_source_and_external_id(cast, customers, rep1):
    body = {"customer_id": customers["rep1"].pk, "kind": "chat", "external_id": "42"}
    assert post(rep1, {**body, "source": "dingtalk"}).status_code == 201
    assert post(rep1, {**body, "source": "wecom"}).status_code == 201
    assert post(rep1, body).status_code == 201  # source defaults to api
    assert post(rep1, body).status_code == 200
    assert sorted(Activity.objects.values_list("source", flat=True)) == ["api", "dingtalk", "wecom"]


def test_it_records_items_without_external_id_every_time(cast, customers, rep1):
    body = {"customer_id": customers["rep1"].pk, "kind": "note", "text": "备注", "external_id": "   "}
    assert post(rep1, body).status_code == 201
    assert post(rep1, body).status_code == 201
    assert Activity.objects.count() == 2
    assert not Activity.objects.exclude(external_id=None).exists()


def test_it_does_not_reveal_an_external_id_used_on_an_invisible_timeline(cast, customers, api_en):
    theirs = post(
        api_en(cast.rep3),
        {
            "customer_id": customers["rep3"].pk,
            "kind": "note",
            "text": "机密",
            "external_id": "erp-7",
            "source": "erp",
        },
    )
    assert theirs.status_code == 201
    mine = post(
        api_en(cast.rep1),
        {"customer_id": customers["rep1"].pk, "kind": "note", "external_id": "erp-7", "source": "erp"},
    )
    assert mine.status_code == 409
    assert "机密" not in mine.content.decode()
    assert mine.json()["errors"][0]["field"] == "external_id"
    assert Activity.objects.count() == 1


def test_it_links_a_deal_and_attachments(cast, customers, rep1):
    customer = customers["rep1"]
    deal = DealFactory(customer=customer)
    photo = attachment_store(data=PNG, name="名片.png", ctx=WriteContext(actor=cast.rep1))
    response = post(
        rep1, {"customer_id": customer.pk, "kind": "visit", "deal_id": deal.pk, "attachment_ids": [photo.pk]}
    )
    assert response.status_code == 201, response.content
    assert response.json()["deal_id"] == deal.pk
    assert response.json()["attachment_ids"] == [photo.pk]


def test_it_refuses_a_deal_of_another_customer(cast, customers, rep1):
    other = DealFactory(customer=CustomerFactory(owner=cast.rep1))
    response = post(rep1, {"customer_id": customers["rep1"].pk, "kind": "visit", "deal_id": other.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "deal"
    assert not Activity.objects.filter(kind="visit").exists()


def test_it_refuses_invisible_deals_and_files_with_404(cast, customers, rep1):
    their_deal = DealFactory(customer=customers["rep3"])
    their_file = attachment_store(
        data=PNG, name="x.png", ctx=WriteContext(actor=cast.rep3), customer_id=customers["rep3"].pk
    )
    base = {"customer_id": customers["rep1"].pk, "kind": "visit"}
    deal = post(rep1, {**base, "deal_id": their_deal.pk})
    assert deal.status_code == 404 and deal.json()["errors"][0]["field"] == "deal_id"
    file = post(rep1, {**base, "attachment_ids": [their_file.pk]})
    assert file.status_code == 404 and file.json()["errors"][0]["field"] == "attachment_ids"
    assert not Activity.objects.filter(kind="visit").exists()


def test_it_lets_a_manager_record_on_a_team_members_customer(cast, customers, api_en):
    response = post(
        api_en(cast.manager1), {"customer_id": customers["rep2"].pk, "kind": "call", "text": "陪访电话"}
    )
    assert response.status_code == 201
    assert Activity.objects.get().actor == cast.manager1


def test_it_refuses_finance_who_sees_no_timelines(cast, customers, api_en):
    response = post(api_en(cast.finance), {"customer_id": customers["rep1"].pk, "kind": "note"})
    assert response.status_code == 404
    assert not Activity.objects.exists()


@pytest.mark.parametrize("kind", ["order", "payment", "stage_change", "commitment", "system"])
def test_it_leaves_kinds_with_their_own_endpoint_to_that_endpoint(cast, customers, rep1, kind):
    response = post(rep1, {"customer_id": customers["rep1"].pk, "kind": kind})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "kind" and "'visit'" in error["message"]
    assert not Activity.objects.exists()
