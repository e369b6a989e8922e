"""Import pages: upload → queued job → (the worker's) run → progress and the per-row report;
templates; who sees which job."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from leadflow.customers.models import Customer
from leadflow.ingest.models import ImportJob
from leadflow.ingest.parsing import CUSTOMER_COLUMNS, PAYMENT_COLUMNS
from leadflow.ingest.services import import_run
from leadflow.orders.models import Payment
from tests.factories import credit_code

SH = ZoneInfo("Asia/Shanghai")
HEADER = ["客户名称", "统一社会信用代码", "首次接触时间", "首次拜访时间"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 4, 10, tzinfo=SH), tick=False):
        yield


def html(response) -> str:
    return response.content.decode()


def xlsx(header: list, rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def bad_code() -> str:
    good = credit_code()
    return good[:-1] + ("1" if good[-1] != "1" else "2")  # right shape, wrong check character


def upload(client, data: bytes, *, kind: str = "customers", name: str = "客户.xlsx", confirm: bool = False):
    form = {"kind": kind, "file": SimpleUploadedFile(name, data)}
    if confirm:
        form["confirm"] = "on"
    return client.post("/import/", form)


def mixed_file() -> bytes:
    """Rows 2–3 good, 4 a bad credit code, 5 a first contact on a Saturday, 6 blank."""
    return xlsx(
        HEADER,
        [
            ["宁波五金机电商行", credit_code(), "2026-11-30 10:00", "2026-12-02 14:00"],
            ["温州鞋材贸易有限公司", credit_code(), None, None],
            ["坏代码医疗器械有限公司", bad_code(), None, None],
            ["周末接触的客户", credit_code(), dt.datetime(2026, 11, 28, 10, 0), None],
            ["", "", "", ""],
        ],
    )


def test_it_imports_a_file_and_reports_every_row(cast, login):
    client = login(cast.rep1)
    response = upload(client, mixed_file())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/import/{job.pk}/"
    assert job.status == "queued" and job.created_by == cast.rep1 and not job.confirm

    waiting = client.get(f"/import/{job.pk}/")
    assert 'hx-trigger="every 1s"' in html(waiting) and "<progress" in html(waiting)
    fragment = html(client.get(f"/import/{job.pk}/", headers={"HX-Request": "true"}))
    assert fragment.startswith('<section id="job"') and "<html" not in fragment

    job = import_run(job.pk)
    assert (job.status, job.created_count, job.held_count, job.refused_count) == ("done", 2, 0, 2)
    assert [(e["row"], e["status"]) for e in job.report] == [
        (2, "created"),
        (3, "created"),
        (4, "refused"),
        (5, "refused"),
    ]
    assert [e["field"] for e in job.report[2]["errors"]] == ["credit_code"]
    assert [(v["rule"], v["severity"]) for v in job.report[3]["violations"]] == [
        ("first-contact-workday", "confirm")
    ]
    assert set(Customer.objects.values_list("name", flat=True)) == {
        "宁波五金机电商行",
        "温州鞋材贸易有限公司",
    }

    done = client.get(f"/import/{job.pk}/", headers={"HX-Request": "true"})
    page = html(done)
    assert "hx-trigger" not in page  # polling stops
    counts = page.split('class="import-counts"')[1].split("</ul>")[0]
    assert "<strong>2</strong><span>已创建</span>" in counts.replace("\n", "").replace("    ", "")
    refused = page.split('id="refused"')[1].split("</table>")[0]
    assert "第 4 行" in refused and "统一社会信用代码" in refused
    assert "第 5 行" in refused and "首次接触时间在周末，请确认是否误填" in refused
    assert "第 6 行" not in page  # the blank row is skipped, not reported


def test_it_numbers_rows_as_the_sheet_does_after_a_blank_row(cast, login):
    client = login(cast.rep1)
    data = xlsx(
        HEADER, [["宁波五金机电商行", credit_code()], ["", ""], ["坏代码医疗器械有限公司", bad_code()]]
    )
    upload(client, data)
    job = import_run(ImportJob.objects.get().pk)
    assert [(e["row"], e["status"]) for e in job.report] == [(2, "created"), (4, "refused")]


def test_it_imports_the_rows_that_ask_for_confirmation_when_confirmed(cast, login):
    client = login(cast.rep1)
    upload(client, mixed_file(), confirm=True)
    job = import_run(ImportJob.objects.get().pk)
    assert (job.created_count, job.refused_count) == (3, 1)
    assert Customer.objects.filter(name="周末接触的客户").exists()


def test_it_reports_held_payments_and_downloads_the_report(cast, customers, login):
    customer = customers["rep1"]
    rows = [[customer.name, "10000", f"2026-{m:02d}-02 10:00", "银行转账", f"B{m}"] for m in (10, 11)]
    rows.append([customer.credit_code, "90000", "2026-12-02 10:00", "", "B12"])
    rows.append(["没有这个客户", "100", "2026-12-02 10:00", "", "B13"])
    header = ["客户", "金额", "到账时间", "方式", "单号"]
    client = login(cast.rep1)
    upload(client, xlsx(header, rows), kind="payments", name="回款.xlsx")
    job = import_run(ImportJob.objects.get().pk)
    assert (job.created_count, job.held_count, job.refused_count) == (2, 1, 1)
    held = Payment.objects.get(external_id="B12")
    assert held.review_status == Payment.Review.PENDING
    page = html(client.get(f"/import/{job.pk}/"))
    assert 'id="held"' in page and "第 4 行" in page.split('id="held"')[1]
    assert f"/quality/reviews/{held.pk}/" not in page  # a rep cannot review
    finance_view = html(login(cast.admin).get(f"/import/{job.pk}/"))
    assert f"/quality/reviews/{held.pk}/" in finance_view
    report = login(cast.rep1).get(f"/import/{job.pk}/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    lines = list(sheet.iter_rows(values_only=True))[1:]
    assert [line[0] for line in lines] == [2, 3, 4, 5]
    assert lines[3][3] == "客户" and "没有这个客户" in lines[3][4]


def test_it_refuses_a_file_that_is_not_a_spreadsheet(cast, login):
    client = login(cast.rep1)
    response = upload(
        client, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n", name="客户.xlsx"
    )
    assert response.status_code == 422
    assert 'id="id_file_errors"' in html(response)
    response = upload(client, b"", name="客户.csv")
    assert response.status_code == 422
    assert not ImportJob.objects.exists()


def test_it_imports_a_csv_file(cast, login):
    text = "客户名称,统一社会信用代码\n宁波五金机电商行," + credit_code() + "\n"
    client = login(cast.rep1)
    assert upload(client, text.encode("utf-8"), name="客户.csv").status_code == 302
    job = import_run(ImportJob.objects.get().pk)
    assert job.created_count == 1


def test_it_shows_a_user_only_their_own_imports(cast, login):
    upload(login(cast.rep1), mixed_file())
    job = ImportJob.objects.get()
    assert login(cast.rep2).get(f"/import/{job.pk}/").status_code == 404
    assert login(cast.manager1).get(f"/import/{job.pk}/").status_code == 404
    assert f"/import/{job.pk}/" not in html(login(cast.rep2).get("/import/"))
    assert f"/import/{job.pk}/" in html(login(cast.rep1).get("/import/"))
    assert login(cast.admin).get(f"/import/{job.pk}/").status_code == 200
    assert f"/import/{job.pk}/" in html(login(cast.admin).get("/import/"))


@pytest.mark.parametrize(
    ("kind", "columns"), [("customers", CUSTOMER_COLUMNS), ("payments", PAYMENT_COLUMNS)]
)
def test_it_offers_templates_with_the_chinese_headers_and_an_example_row(cast, login, kind, columns):
    response = login(cast.rep1).get(f"/import/template/{kind}/")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == [aliases[0] for aliases in columns.values()]
    assert len(rows) == 2 and rows[1][0]
    assert login(cast.rep1).get("/import/template/orders/").status_code == 404


def test_it_imports_its_own_templates(cast, login):
    client = login(cast.rep1)
    for kind in ("customers", "payments"):
        data = client.get(f"/import/template/{kind}/").content
        assert upload(client, data, kind=kind, name=f"{kind}.xlsx").status_code == 302
        job = import_run(ImportJob.objects.latest("pk").pk)
        assert (job.created_count, job.refused_count) == (1, 0), job.report
    customer = Customer.objects.get(name="杭州示例医疗器械有限公司")
    assert (
        customer.owner == cast.rep1 and customer.industry == "medical" and customer.payment_terms == "net30"
    )
    assert Payment.objects.get(customer=customer).method == "transfer"


def test_it_fails_a_damaged_workbook_with_a_message_instead_of_hanging(cast):
    from leadflow.attachments.services import attachment_store
    from leadflow.core.writes import WriteContext

    good = xlsx(HEADER, [["宁波五金机电商行", credit_code()]])
    damaged = good[:200] + b"\x00" * 50 + good[250:]
    f = attachment_store(data=damaged, name="坏文件.xlsx", ctx=WriteContext(actor=cast.rep1), allowed={"xlsx", "csv"})
    job = import_run(ImportJob.objects.create(kind="customers", file=f, created_by=cast.rep1).pk)
    assert job.status == "failed" and job.error
