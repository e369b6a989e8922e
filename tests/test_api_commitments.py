"""The commitments API: create, list, read, deliver (multipart or attachment id), cancel,
reschedule, tickets, the caller's inbox, and the fulfilment figures."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from leadflow.commitments.models import Commitment
from leadflow.commitments.sweeps import escalate
from tests.factories import DealFactory, ProductLineFactory

SH = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 4, 10, tzinfo=SH), tick=False):
        yield


@pytest.fixture
def deal(cast):
    return DealFactory(customer__owner=cast.rep1, product_line=ProductLineFactory())


def create(client, deal, **over):
    body = {"deliverable_type": "quote", "title": "周三前发报价", "due_at": "2026-12-09T18:00:00+08:00", "deal_id": deal.pk}
    body.update(over)
    return client.post("/api/v1/commitments", body, content_type="application/json")


def test_it_creates_and_reads_a_commitment(cast, api_client, deal):
    client = api_client(cast.rep1)
    response = create(client, deal)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "open" and data["owner"]["username"] == "rep1"
    assert data["deliverable_type"]["code"] == "quote"
    assert dt.datetime.fromisoformat(data["next_escalation_at"]) == dt.datetime(2026, 12, 7, 18, tzinfo=SH)
    assert client.get(f"/api/v1/commitments/{data['id']}").json()["title"] == "周三前发报价"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"deliverable_type": "nonsense"}, "deliverable_type"),
        ({"due_at": "2026-12-09T18:00:00"}, "due_at"),  # no time zone
        ({"due_at": "2020-01-01T10:00:00+08:00"}, "due_at"),  # in the past
        ({"title": ""}, "title"),
    ],
)
def test_it_refuses_bad_input_with_the_field_named(cast, api_client, deal, over, field):
    response = create(api_client(cast.rep1), deal, **over)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Commitment.objects.exists()


def test_it_hides_other_reps_deals_and_commitments(cast, api_client, deal):
    assert create(api_client(cast.rep3), deal).status_code == 404
    pk = create(api_client(cast.rep1), deal).json()["id"]
    assert api_client(cast.rep3).get(f"/api/v1/commitments/{pk}").status_code == 404
    assert api_client(cast.manager1).get(f"/api/v1/commitments/{pk}").status_code == 200


def test_it_delivers_with_a_multipart_file(cast, api_client, deal):
    client = api_client(cast.rep1)
    pk = create(client, deal).json()["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(f"/api/v1/commitments/{pk}/deliver", {"file": SimpleUploadedFile("报价单.pdf", PDF)})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "delivered" and data["on_time"] is True and len(data["delivery_file_ids"]) == 1


def test_it_refuses_a_fake_pdf_and_stays_open(cast, api_client, deal):
    client = api_client(cast.rep1)
    pk = create(client, deal).json()["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("报价单.pdf", b"MZ\x90\x00 this is an exe, not a pdf" * 10)
    response = client.post(f"/api/v1/commitments/{pk}/deliver", {"file": fake})
    assert response.status_code == 422
    assert "报价单.pdf" in response.json()["detail"]
    assert Commitment.objects.get(pk=pk).status == "open"


def test_it_delivers_with_an_uploaded_attachment_id(cast, api_client, deal):
    client = api_client(cast.rep1)
    pk = create(client, deal).json()["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = client.post("/api/v1/attachments", {"file": SimpleUploadedFile("q.pdf", PDF)})
    assert upload.status_code == 201
    response = client.post(
        f"/api/v1/commitments/{pk}/deliver", {"attachment_ids": [upload.json()["id"]]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["delivery_file_ids"] == [upload.json()["id"]]
    again = client.post(f"/api/v1/commitments/{pk}/deliver", {"attachment_ids": [upload.json()["id"]]}, content_type="application/json")
    assert again.status_code == 409


def test_it_needs_a_file_to_deliver_a_quote(cast, api_client, deal):
    client = api_client(cast.rep1)
    pk = create(client, deal).json()["id"]
    response = client.post(f"/api/v1/commitments/{pk}/deliver", {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "files"


def test_it_cancels_with_a_reason_and_reschedules(cast, api_client, deal):
    client = api_client(cast.rep1)
    pk = create(client, deal).json()["id"]
    moved = client.patch(f"/api/v1/commitments/{pk}", {"due_at": "2026-12-16T18:00:00+08:00"}, content_type="application/json")
    assert moved.status_code == 200
    assert dt.datetime.fromisoformat(moved.json()["due_at"]) == dt.datetime(2026, 12, 16, 18, tzinfo=SH)
    assert client.post(f"/api/v1/commitments/{pk}/cancel", {"reason": ""}, content_type="application/json").status_code == 422
    cancelled = client.post(f"/api/v1/commitments/{pk}/cancel", {"reason": "客户改期"}, content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_it_filters_the_list(cast, api_client, deal):
    client = api_client(cast.rep1)
    create(client, deal, title="A", due_at="2026-12-05T10:00:00+08:00")
    create(client, deal, title="B", due_at="2026-12-20T10:00:00+08:00")
    titles = lambda r: [i["title"] for i in r.json()["items"]]  # noqa: E731
    assert titles(client.get("/api/v1/commitments?due_to=2026-12-10T00:00:00%2B08:00")) == ["A"]
    assert titles(client.get("/api/v1/commitments?status=open")) == ["A", "B"]
    assert client.get("/api/v1/commitments?status=bogus").status_code == 422


def test_it_shows_the_inbox_and_tickets_after_escalation(cast, api_client, deal):
    client = api_client(cast.rep1)
    create(client, deal, deliverable_type="poc_report")
    escalate(dt.datetime(2026, 12, 15, 9, tzinfo=SH))
    inbox = client.get("/api/v1/notifications").json()
    assert inbox["count"] >= 2
    assert {n["title"][:2] for n in inbox["items"]} >= {"提醒", "逾期"} or inbox["count"] >= 2
    tickets = client.get("/api/v1/tickets").json()
    assert tickets["count"] == 1 and tickets["items"][0]["department"]["name"] == "技术支持部"
    assert api_client(cast.rep3).get("/api/v1/tickets").json()["count"] == 0


def test_it_reports_fulfilment_by_rep(cast, api_client, deal):
    client = api_client(cast.rep1)
    on_time = create(client, deal, title="准时", due_at="2026-12-05T10:00:00+08:00").json()["id"]
    create(client, deal, title="逾期", due_at="2026-12-05T12:00:00+08:00")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(f"/api/v1/commitments/{on_time}/deliver", {"file": SimpleUploadedFile("q.pdf", PDF)})
    with time_machine.travel(dt.datetime(2026, 12, 8, 10, tzinfo=SH), tick=False):
        response = api_client(cast.manager1).get("/api/v1/commitments/fulfilment?group_by=rep&from=2026-12-01&to=2026-12-07")
    assert response.status_code == 200
    data = response.json()
    assert data["total_due"] == 2 and data["total_on_time"] == 1 and data["rate"] == 0.5
    assert data["rows"][0]["open_overdue"] == 1
    assert api_client(cast.rep1).get("/api/v1/commitments/fulfilment?group_by=planet").status_code == 422
    for group in ("team", "branch", "product_line", "week"):
        assert client.get(f"/api/v1/commitments/fulfilment?group_by={group}&from=2026-12-01&to=2026-12-31").status_code == 200
