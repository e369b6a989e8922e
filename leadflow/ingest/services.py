"""Imports: every row goes through the same service — and so the same gatekeeper — as a web form,
with source "import". Each row ends up created, held, or refused with its reasons; none is dropped."""

from __future__ import annotations

import logging
from decimal import InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leadflow.attachments.models import Attachment
from leadflow.core.errors import FieldError, LeadflowError, RuleViolation, ValidationFailed
from leadflow.core.writes import Source, WriteContext, after_commit
from leadflow.customers.models import Customer, CustomerSource, CustomerStatus, Industry, PaymentTerms
from leadflow.customers.selectors import customers_visible_to
from leadflow.ingest.models import ImportJob
from leadflow.ingest.parsing import CUSTOMER_COLUMNS, PAYMENT_COLUMNS, read_table, to_amount, to_datetime
from leadflow.orders.models import Payment
from leadflow.orders.selectors import payments_visible_to
from leadflow.org.visibility import users_visible_to

log = logging.getLogger(__name__)
PROGRESS_EVERY = 25
MAX_ROWS = 50_000


def import_start(*, kind: str, file: Attachment, ctx: WriteContext, confirm: bool = False) -> ImportJob:
    if kind not in ImportJob.Kind.values:
        raise ValidationFailed(_("Unknown import."), errors=[FieldError("kind", _("Unknown import."))])
    if file.extension not in ("xlsx", "csv"):
        raise ValidationFailed(
            _("Upload an Excel (.xlsx) or CSV file."), errors=[FieldError("file", _("Upload an Excel (.xlsx) or CSV file."))]
        )
    with transaction.atomic():
        job = ImportJob.objects.create(kind=kind, file=file, created_by=ctx.actor, confirm=confirm)
        from leadflow.ingest.tasks import run_import

        after_commit(run_import, job.pk)
    return job


def _choice(value: Any, choices: type, field: str) -> str:
    if value in (None, ""):
        return ""
    text = str(value).strip()
    if text in choices.values:
        return text
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for v, label in choices.choices:
                if str(label) == text:
                    return v
    raise ValidationFailed(_("Unknown value."), errors=[FieldError(field, _("“%(value)s” is not a known value.") % {"value": text})])


def _customer_row(row: dict[str, Any], ctx: WriteContext) -> tuple[str, int | None]:
    from leadflow.customers.services import customer_create

    data: dict[str, Any] = {}
    for key in ("name", "credit_code", "legal_representative", "phone", "address", "notes"):
        if row.get(key) not in (None, ""):
            data[key] = str(row[key])
    data["industry"] = _choice(row.get("industry"), Industry, "industry") or Industry.OTHER
    data["status"] = _choice(row.get("status"), CustomerStatus, "status") or CustomerStatus.LEAD
    data["source"] = _choice(row.get("source"), CustomerSource, "source") or CustomerSource.IMPORT
    data["payment_terms"] = _choice(row.get("payment_terms"), PaymentTerms, "payment_terms")
    errors = []
    for key in ("first_contact_at", "first_visit_at"):
        try:
            data[key] = to_datetime(row.get(key))
        except ValueError as exc:
            errors.append(FieldError(key, str(exc)))
    owner_id = None
    if row.get("owner") not in (None, ""):
        name = str(row["owner"]).strip()
        owner = users_visible_to(ctx.actor).filter(Q(username=name) | Q(display_name=name)).first()
        if owner is None:
            errors.append(FieldError("owner", _("Unknown owner “%(name)s”.") % {"name": name}))
        else:
            owner_id = owner.pk
    if errors:
        raise ValidationFailed(_("Please correct the row."), errors=errors)
    customer = customer_create(ctx=ctx, owner_id=owner_id, **data)
    return "created", customer.pk


def _payment_row(row: dict[str, Any], ctx: WriteContext) -> tuple[str, int | None]:
    from leadflow.orders.services import payment_create

    errors = []
    ref = str(row.get("customer") or "").strip()
    customer = None
    if not ref:
        errors.append(FieldError("customer", _("Give the customer's name or credit code.")))
    else:
        pool = customers_visible_to(ctx.actor) if ctx.actor.role != "finance" else Customer.objects.filter(
            pk__in=payments_visible_to(ctx.actor).values("customer_id")
        )
        matches = list(pool.filter(Q(name=ref) | Q(credit_code=ref.upper()))[:2])
        if len(matches) != 1:
            errors.append(
                FieldError("customer", _("No single customer matches “%(ref)s”.") % {"ref": ref})
            )
        else:
            customer = matches[0]
    try:
        amount = to_amount(row.get("amount"))
    except (InvalidOperation, ValueError):
        errors.append(FieldError("amount", _("Not an amount.")))
        amount = None
    try:
        received_at = to_datetime(row.get("received_at")) or timezone.now()
    except ValueError as exc:
        errors.append(FieldError("received_at", str(exc)))
        received_at = None
    try:
        method = _choice(row.get("method"), Payment.Method, "method") or Payment.Method.TRANSFER
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        method = None
    if errors:
        raise ValidationFailed(_("Please correct the row."), errors=errors)
    payment, created = payment_create(
        customer=customer,
        amount=amount,
        received_at=received_at,
        method=method,
        external_id=str(row["external_id"]) if row.get("external_id") not in (None, "") else None,
        ctx=ctx,
    )
    if not created:
        return "duplicate", payment.pk
    return ("held" if payment.review_status == Payment.Review.PENDING else "created"), payment.pk


HANDLERS = {"customers": (CUSTOMER_COLUMNS, _customer_row), "payments": (PAYMENT_COLUMNS, _payment_row)}


def import_run(job_id: int) -> ImportJob:
    """Process a queued job (claimed with compare-and-set so two workers never both run it)."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(status=ImportJob.Status.RUNNING):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("file", "created_by").get(pk=job_id)
    columns, handler = HANDLERS[job.kind]
    ctx = WriteContext(actor=job.created_by, source=Source.IMPORT, path=f"import #{job.pk}", confirm=job.confirm)
    try:
        with job.file.file.open("rb") as handle:
            data = handle.read()
        _columns, rows = read_table(data, job.file.extension, columns)
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a damaged file
        message = exc.detail if isinstance(exc, LeadflowError) else _("The file could not be read: %(error)s") % {"error": exc}
        log.info("import #%s: unreadable file: %r", job.pk, exc)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error=message, finished_at=timezone.now())
        job.refresh_from_db()
        return job
    if len(rows) > MAX_ROWS:
        rows = rows[:MAX_ROWS]
        note = _("Only the first %(n)d rows were imported; split the file for more.") % {"n": MAX_ROWS}
    else:
        note = ""
    report: list[dict[str, Any]] = []
    counts = {"created": 0, "held": 0, "refused": 0}
    ImportJob.objects.filter(pk=job.pk).update(total=len(rows))
    for row in rows:
        entry: dict[str, Any] = {"row": row.pop("_row")}
        try:
            status, pk = handler(row, ctx)
            entry.update(status=status, id=pk)
            counts["held" if status == "held" else "created"] += status in ("created", "held")
        except RuleViolation as exc:
            entry.update(status="refused", errors=[e.as_dict() for e in exc.errors], violations=[v.as_dict() for v in exc.violations])
            counts["refused"] += 1
        except LeadflowError as exc:
            entry.update(status="refused", errors=[e.as_dict() for e in exc.errors] or [{"field": "", "message": exc.detail}])
            counts["refused"] += 1
        report.append(entry)
        if len(report) % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(processed=len(report))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        processed=len(report),
        created_count=counts["created"],
        held_count=counts["held"],
        refused_count=counts["refused"],
        report=report,
        error=note,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
