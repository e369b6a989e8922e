"""Import pages: upload a file (queued for the worker), watch its progress, read the per-row
report, download the templates. A user sees their own imports; an admin sees all."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from leadflow.attachments.services import attachment_store
from leadflow.core.errors import LeadflowError
from leadflow.core.exports import xlsx_response
from leadflow.core.writes import Source, WriteContext
from leadflow.gatekeeper.reviews import can_review
from leadflow.ingest.forms import ImportForm
from leadflow.ingest.models import ImportJob
from leadflow.ingest.parsing import CUSTOMER_COLUMNS, PAYMENT_COLUMNS
from leadflow.ingest.selectors import import_job_get, import_jobs_visible_to
from leadflow.ingest.services import import_start
from leadflow.web.forms import apply_errors
from leadflow.web.paging import render_list

COLUMNS = {"customers": CUSTOMER_COLUMNS, "payments": PAYMENT_COLUMNS}
RECENT_JOBS = 10
# The page lists this many problem rows; the Excel report has them all.
SHOWN_ROWS = 200


def _ctx(request: HttpRequest) -> WriteContext:
    return WriteContext(actor=request.user, source=Source.WEB, path=request.path)


def _show_errors(form: ImportForm, exc: LeadflowError) -> None:
    """The file's errors go under the file field (the shared helper would put them on top)."""
    on_file = [e for e in exc.errors if e.field == "file"]
    for error in on_file:
        form.add_error("file", error.message)
    rest = [e for e in exc.errors if e.field != "file"]
    if rest or not on_file:
        exc.errors = rest
        apply_errors(form, exc)


@login_required
@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ctx = _ctx(request)
        upload = form.cleaned_data["file"]
        try:
            stored = attachment_store(data=upload, name=upload.name, ctx=ctx, allowed={"xlsx", "csv"})
            job = import_start(
                kind=form.cleaned_data["kind"], file=stored, ctx=ctx, confirm=form.cleaned_data["confirm"]
            )
        except LeadflowError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("File received. The rows are being imported."))
            return redirect("ingest:job", job.pk)
    context = {
        "form": form,
        "jobs": import_jobs_visible_to(request.user)[:RECENT_JOBS],
        "kinds": ImportJob.Kind.choices,
    }
    return render(request, "ingest/index.html", context, status=422 if request.method == "POST" else 200)


def _messages(entry: dict[str, Any], columns: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(column, message) pairs of one refused row: the gatekeeper's findings, or the errors."""
    items = entry.get("violations") or entry.get("errors") or []
    out = []
    for item in items:
        field = item.get("field") or ""
        label = columns[field][0] if field in columns else field
        out.append((label, item.get("message", "")))
    return out


def _report(job: ImportJob) -> dict[str, Any]:
    columns = COLUMNS.get(job.kind, {})
    report = job.report or []
    refused = [
        {"row": e["row"], "messages": _messages(e, columns), "confirmable": _confirmable(e)}
        for e in report
        if e.get("status") == "refused"
    ]
    held = [e for e in report if e.get("status") == "held"]
    return {
        "duplicates": sum(1 for e in report if e.get("status") == "duplicate"),
        "refused": refused[:SHOWN_ROWS],
        "refused_more": max(0, len(refused) - SHOWN_ROWS),
        "held": held[:SHOWN_ROWS],
        "held_more": max(0, len(held) - SHOWN_ROWS),
        "confirmable": sum(1 for r in refused if r["confirmable"]),
    }


def _confirmable(entry: dict[str, Any]) -> bool:
    """Refused only because the gatekeeper asked for a confirmation."""
    violations = entry.get("violations") or []
    return bool(violations) and all(v.get("severity") == "confirm" for v in violations)


def _export_report(job: ImportJob) -> HttpResponse:
    columns = COLUMNS.get(job.kind, {})
    labels = {
        "created": _("created"),
        "held": _("held for review"),
        "refused": _("refused"),
        "duplicate": _("already imported"),
    }

    def rows():
        for entry in job.report or []:
            status = labels.get(entry.get("status"), entry.get("status"))
            problems = _messages(entry, columns) if entry.get("status") == "refused" else []
            if not problems:
                yield [entry.get("row"), status, entry.get("id") or "", "", ""]
            for column, message in problems:
                yield [entry.get("row"), status, "", column, message]

    header = [_("Row"), _("Result"), _("Record id"), _("Column"), _("Message")]
    return xlsx_response(f"import-{job.pk}-report.xlsx", [(_("Import report"), header, rows())])


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_get(request.user, pk)
    if request.GET.get("export") == "xlsx" and job.status == ImportJob.Status.DONE:
        return _export_report(job)
    running = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    context = {
        "job": job,
        "running": running,
        "report": None if running else _report(job),
        "can_review": can_review(request.user),
    }
    return render_list(request, "ingest/job.html", "ingest/_job.html", context)


def _example(kind: str, user) -> dict[str, Any]:
    """One example row, keyed like the parser's columns; choices written as their Chinese labels
    (the importer reads labels and codes alike)."""
    from leadflow.customers.models import CustomerSource, CustomerStatus, Industry, PaymentTerms
    from leadflow.orders.models import Payment

    with translation.override("zh-hans"):
        if kind == ImportJob.Kind.CUSTOMERS:
            return {
                "name": "杭州示例医疗器械有限公司",
                "credit_code": "91330106311245339J",
                "legal_representative": "张三",
                "industry": str(Industry.MEDICAL.label),
                "phone": "0571-88886666",
                "address": "浙江省杭州市西湖区文三路90号",
                "owner": user.username,
                "status": str(CustomerStatus.LEAD.label),
                "source": str(CustomerSource.EXHIBITION.label),
                "payment_terms": str(PaymentTerms.NET30.label),
                "first_contact_at": "2026-01-26 10:00",
                "first_visit_at": "2026-01-28 14:30",
                "notes": "展会结识，关注监护仪",
            }
        return {
            "customer": "杭州示例医疗器械有限公司",
            "amount": "12800.00",
            "received_at": "2026-01-27 15:22",
            "method": str(Payment.Method.TRANSFER.label),
            "external_id": "BANK-20260127-001",
        }


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """An .xlsx with the Chinese column headers the importer reads and one example row."""
    if kind not in COLUMNS:
        raise Http404(_("No such template."))
    columns = COLUMNS[kind]
    example = _example(kind, request.user)
    header = [aliases[0] for aliases in columns.values()]
    row = [example.get(key, "") for key in columns]
    title = str(dict(ImportJob.Kind.choices)[kind])
    return xlsx_response(f"leadflow-{kind}-template.xlsx", [(title, header, [row])])
