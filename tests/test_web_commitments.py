"""Commitment pages: create with a file, deliver, cancel, reschedule, tickets, the report and its export."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from leadflow.commitments.models import Commitment, Ticket
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


def new(client, deal, **over):
    data = {"deliverable_type": 2, "title": "POC 报告", "due_at": "2026-12-09T15:00"}
    from leadflow.commitments.models import DeliverableType

    data["deliverable_type"] = DeliverableType.objects.get(code="poc_report").pk
    data.update(over)
    return client.post(f"/commitments/new/?deal={deal.pk}", data)


def test_it_creates_a_commitment_with_a_file_from_the_deal(cast, login, deal):
    client = login(cast.rep1)
    page = client.get(f"/commitments/new/?deal={deal.pk}")
    assert page.status_code == 200
    response = new(client, deal, files=SimpleUploadedFile("方案.pdf", PDF))
    assert response.status_code == 302
    c = Commitment.objects.get()
    assert c.due_at == dt.datetime(2026, 12, 9, 15, tzinfo=SH)
    assert [f.original_name for f in c.files.all()] == ["方案.pdf"]
    detail = client.get(response["Location"])
    assert "方案.pdf" in detail.content.decode()


def test_it_refuses_a_fake_pdf_and_saves_nothing(cast, login, deal):
    response = new(login(cast.rep1), deal, files=SimpleUploadedFile("方案.pdf", b"not a pdf at all, just text\n" * 5))
    assert response.status_code == 422
    assert "方案.pdf" in response.content.decode()
    assert not Commitment.objects.exists()


def test_it_delivers_and_cancels_from_the_page(cast, login, deal):
    client = login(cast.rep1)
    new(client, deal)
    c = Commitment.objects.get()
    refused = client.post(f"/commitments/{c.pk}/deliver/", {})
    assert refused.status_code == 422
    ok = client.post(f"/commitments/{c.pk}/deliver/", {"deliver-files": SimpleUploadedFile("poc.pdf", PDF)})
    assert ok.status_code == 302
    c.refresh_from_db()
    assert c.status == "delivered"
    new(client, deal, title="第二个")
    c2 = Commitment.objects.get(title="第二个")
    assert client.post(f"/commitments/{c2.pk}/cancel/", {"cancel-reason": "客户取消"}).status_code == 302
    c2.refresh_from_db()
    assert c2.status == "cancelled" and c2.cancel_reason == "客户取消"


def test_it_reschedules_from_the_page(cast, login, deal):
    client = login(cast.rep1)
    new(client, deal)
    c = Commitment.objects.get()
    assert client.post(f"/commitments/{c.pk}/reschedule/", {"reschedule-due_at": "2026-12-18T10:00"}).status_code == 302
    c.refresh_from_db()
    assert c.arm == 2 and c.due_at == dt.datetime(2026, 12, 18, 10, tzinfo=SH)


def test_it_hides_commitments_of_others(cast, login, deal):
    new(login(cast.rep1), deal)
    c = Commitment.objects.get()
    assert login(cast.rep3).get(f"/commitments/{c.pk}/").status_code == 404
    assert login(cast.manager1).get(f"/commitments/{c.pk}/").status_code == 200


def test_it_lists_the_ticket_for_the_department_and_takes_comments(cast, login, deal):
    from leadflow.org.models import Department, User

    engineer = User.objects.create_user("eng", password="x", department=Department.objects.get(code="tech-support"))
    new(login(cast.rep1), deal)
    escalate(dt.datetime(2026, 12, 15, 9, tzinfo=SH))
    ticket = Ticket.objects.get()
    client = login(engineer)
    assert "POC 报告" in client.get("/commitments/tickets/").content.decode()
    assert client.post(f"/commitments/tickets/{ticket.pk}/", {"comment-text": "明天上午出报告"}).status_code == 302
    assert client.post(f"/commitments/tickets/{ticket.pk}/", {"status-status": "in_progress"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    assert "明天上午出报告" in client.get(f"/commitments/tickets/{ticket.pk}/").content.decode()
    assert login(cast.rep3).get(f"/commitments/tickets/{ticket.pk}/").status_code == 404


def test_it_shows_the_report_with_drill_down_and_exports_it(cast, login, deal):
    client = login(cast.rep1)
    new(client, deal, title="准时", due_at="2026-12-05T10:00")
    new(client, deal, title="逾期", due_at="2026-12-05T12:00")
    c = Commitment.objects.get(title="准时")
    client.post(f"/commitments/{c.pk}/deliver/", {"deliver-files": SimpleUploadedFile("poc.pdf", PDF)})
    manager = login(cast.manager1)
    with time_machine.travel(dt.datetime(2026, 12, 8, 10, tzinfo=SH), tick=False):
        page = manager.get("/commitments/report/?date_from=2026-12-01&date_to=2026-12-07")
        body = page.content.decode()
        assert page.status_code == 200
        assert "50%" in body
        assert f"owner={cast.rep1.pk}" in body  # rows and heat-map cells link to their commitments
        assert 'id="heatmap-data"' in body
        listing = manager.get(f"/commitments/?due_from=2026-12-01&due_to=2026-12-07&owner={cast.rep1.pk}&status=overdue")
        assert "逾期" in listing.content.decode() and "准时" not in listing.content.decode()
        export = manager.get("/commitments/report/?date_from=2026-12-01&date_to=2026-12-07&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(export.content))
    assert len(wb.sheetnames) == 6
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[1][1:4] == (2, 1, 0) and rows[1][5] == 0.5
    heat = list(wb.worksheets[-1].iter_rows(values_only=True))
    assert heat[1][1] == 0.5


def test_it_exports_the_commitment_list(cast, login, deal):
    client = login(cast.rep1)
    new(client, deal)
    export = client.get("/commitments/?export=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "POC 报告"


def test_it_starts_a_commitment_from_my_day_by_picking_a_deal(cast, login, deal):
    client = login(cast.rep1)
    home = client.get("/").content.decode()
    assert 'href="/commitments/new/"' in home
    picker = client.get("/commitments/new/").content.decode()
    assert f"/commitments/new/?deal={deal.pk}" in picker
    other = DealFactory(customer__owner=cast.rep3, name="别人的商机")
    assert "别人的商机" not in client.get("/commitments/new/?q=别人").content.decode()
    assert client.get(f"/commitments/new/?deal={other.pk}").status_code == 404
