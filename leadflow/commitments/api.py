import datetime as dt
import json

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticError

from leadflow.attachments.selectors import attachments_visible_to
from leadflow.attachments.services import attachment_store
from leadflow.commitments import services
from leadflow.commitments.metrics import GROUPS, fulfilment
from leadflow.commitments.models import Commitment, DeliverableType
from leadflow.commitments.schemas import (
    CancelIn,
    CommitmentFilters,
    CommitmentIn,
    CommitmentOut,
    CommitmentPatch,
    DeliverIn,
    FulfilmentOut,
    NotificationOut,
    TicketOut,
)
from leadflow.commitments.selectors import commitment_get, commitments_visible_to, tickets_visible_to
from leadflow.core.api import Id, Pagination, ctx_for, lookup
from leadflow.core.errors import BadRequest, FieldError, NotFound, ValidationFailed
from leadflow.customers.selectors import customer_get
from leadflow.deals.selectors import deal_get
from leadflow.notify.models import Notification
from leadflow.org.visibility import users_visible_to

router = Router(tags=["commitments"])
tickets_router = Router(tags=["commitments"])
notifications_router = Router(tags=["notifications"])


def _files(request: HttpRequest, ids: list[int], field: str) -> list:
    files = list(attachments_visible_to(request.user).filter(pk__in=ids))
    if len(files) != len(set(ids)):
        message = _("File not found.")
        raise NotFound(message, errors=[FieldError(field, message)])
    return files


def _get(request: HttpRequest, pk: int) -> Commitment:
    return commitment_get(request.user, pk)


@router.get("/fulfilment", response=FulfilmentOut, summary="On-time fulfilment rate, grouped")
def fulfilment_rate(
    request: HttpRequest,
    group_by: str = "rep",
    date_from: dt.date | None = Query(None, alias="from"),
    date_to: dt.date | None = Query(None, alias="to"),
):
    """Commitments delivered on or before due ÷ commitments due in the period (cancelled ones are
    not counted). ``from`` and ``to`` are dates in Asia/Shanghai, both included; default: the last
    28 days. ``group_by``: rep, team, branch, product_line or week."""
    if group_by not in GROUPS:
        message = _("group_by must be one of: %(choices)s") % {"choices": ", ".join(GROUPS)}
        raise ValidationFailed(message, errors=[FieldError("group_by", message)])
    today = timezone.localdate()
    date_to = date_to or today
    date_from = date_from or date_to - dt.timedelta(days=27)
    if date_from > date_to:
        message = _("“from” is after “to”.")
        raise ValidationFailed(message, errors=[FieldError("from", message)])
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = fulfilment(request.user, group_by=group_by, start=start, end=end)
    due = sum(r.due for r in rows)
    on_time = sum(r.on_time for r in rows)
    return {
        "group_by": group_by,
        "start": start,
        "end": end,
        "total_due": due,
        "total_on_time": on_time,
        "rate": round(on_time / due, 4) if due else None,
        "rows": [r.as_dict() for r in rows],
    }


@router.get("", response=list[CommitmentOut], summary="List commitments")
@paginate(Pagination)
def list_commitments(request: HttpRequest, filters: Query[CommitmentFilters]):
    qs = commitments_visible_to(request.user).select_related("deliverable_type", "customer", "deal", "owner")
    if filters.status:
        if filters.status not in Commitment.Status.values:
            message = _("Unknown status.")
            raise ValidationFailed(message, errors=[FieldError("status", message)])
        qs = qs.filter(status=filters.status)
    if filters.owner_id:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.due_from:
        qs = qs.filter(due_at__gte=filters.due_from)
    if filters.due_to:
        qs = qs.filter(due_at__lt=filters.due_to)
    if filters.overdue:
        qs = qs.filter(status=Commitment.Status.OPEN, due_at__lt=timezone.now())
    return qs.prefetch_related("files", "delivery_files").order_by("due_at", "id")


@router.post("", response={201: CommitmentOut}, summary="Record a promise")
def create_commitment(request: HttpRequest, payload: CommitmentIn):
    dtype = DeliverableType.objects.filter(code=payload.deliverable_type, active=True).first()
    if dtype is None:
        message = _("Unknown deliverable type.")
        raise ValidationFailed(message, errors=[FieldError("deliverable_type", message)])
    deal = lookup("deal_id", deal_get, request.user, payload.deal_id) if payload.deal_id else None
    customer = lookup("customer_id", customer_get, request.user, payload.customer_id) if payload.customer_id else None
    owner = None
    if payload.owner_id:
        owner = users_visible_to(request.user).filter(pk=payload.owner_id).first()
        if owner is None:
            message = _("Unknown owner.")
            raise ValidationFailed(message, errors=[FieldError("owner_id", message)])
    commitment = services.commitment_create(
        deliverable_type=dtype,
        title=payload.title,
        due_at=payload.due_at,
        deal=deal,
        customer=customer,
        owner=owner,
        files=_files(request, payload.attachment_ids, "attachment_ids"),
        ctx=ctx_for(request),
    )
    return Status(201, _get(request, commitment.pk))


@router.get("/{commitment_id}", response=CommitmentOut, summary="Read a commitment")
def read_commitment(request: HttpRequest, commitment_id: Id):
    return _get(request, commitment_id)


@router.patch("/{commitment_id}", response=CommitmentOut, summary="Move the due time (re-arms the escalation)")
def reschedule(request: HttpRequest, commitment_id: Id, payload: CommitmentPatch):
    services.commitment_reschedule(commitment=_get(request, commitment_id), due_at=payload.due_at, ctx=ctx_for(request))
    return _get(request, commitment_id)


@router.post(
    "/{commitment_id}/deliver",
    response=CommitmentOut,
    summary="Mark delivered, with the delivered file",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "attachment_id": {"type": "integer"},
                        },
                    }
                },
                "application/json": {"schema": {"$ref": "#/components/schemas/DeliverIn"}},
            }
        }
    },
)
def deliver(request: HttpRequest, commitment_id: Id):
    """Send the delivered file as multipart (field ``file``), or the id of an uploaded file
    (multipart field ``attachment_id`` or JSON ``{"attachment_ids": [..]}``)."""
    commitment = _get(request, commitment_id)
    ctx = ctx_for(request)
    ids: list[int] = []
    files = []
    if request.content_type == "application/json":
        try:
            ids = DeliverIn.model_validate(json.loads(request.body or b"{}")).attachment_ids
        except ValueError as exc:
            if isinstance(exc, PydanticError):
                raise ValidationFailed(
                    _("Please correct the errors below."),
                    errors=[FieldError(".".join(map(str, e["loc"])) or "body", e["msg"]) for e in exc.errors()],
                ) from None
            raise BadRequest(_("The request body is not valid JSON.")) from None
    else:
        raw = request.POST.getlist("attachment_id")
        if any(not r.isdigit() for r in raw):
            message = _("Not a file id.")
            raise ValidationFailed(message, errors=[FieldError("attachment_id", message)])
        ids = [int(r) for r in raw]
        for upload in request.FILES.getlist("file"):
            files.append(attachment_store(data=upload, name=upload.name or "", ctx=ctx, customer_id=commitment.customer_id))
    files += _files(request, ids, "attachment_ids")
    services.commitment_deliver(commitment=commitment, ctx=ctx, files=files)
    return _get(request, commitment_id)


@router.post("/{commitment_id}/cancel", response=CommitmentOut, summary="Cancel, with a reason")
def cancel(request: HttpRequest, commitment_id: Id, payload: CancelIn):
    services.commitment_cancel(commitment=_get(request, commitment_id), reason=payload.reason, ctx=ctx_for(request))
    return _get(request, commitment_id)


@tickets_router.get("", response=list[TicketOut], summary="Collaboration tickets you can see")
@paginate(Pagination)
def list_tickets(request: HttpRequest, status: str = ""):
    qs = tickets_visible_to(request.user).select_related("department", "owner")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


@notifications_router.get("", response=list[NotificationOut], summary="Your inbox (站内信)")
@paginate(Pagination)
def list_notifications(request: HttpRequest, unread: bool = False):
    qs = Notification.objects.filter(recipient=request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")
