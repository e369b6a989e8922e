from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from leadflow.activities.schemas import ActivityIn, ActivityOut
from leadflow.activities.selectors import activities_visible_to
from leadflow.activities.services import activity_record
from leadflow.attachments.selectors import attachments_visible_to
from leadflow.core.api import ctx_for, lookup
from leadflow.core.errors import Conflict, FieldError, NotFound
from leadflow.customers.selectors import customer_get
from leadflow.deals.selectors import deal_get

router = Router(tags=["activities"])


@router.post(
    "",
    response={201: ActivityOut, 200: ActivityOut},
    summary="Record a touchpoint on a customer's timeline (idempotent on source + external_id)",
)
def record_activity(request: HttpRequest, payload: ActivityIn):
    """The first POST of an ``external_id`` answers 201 with the new activity; the same
    ``source`` + ``external_id`` again answers 200 with that same activity and stores nothing."""
    user = request.user
    customer = lookup("customer_id", customer_get, user, payload.customer_id)
    deal = lookup("deal_id", deal_get, user, payload.deal_id) if payload.deal_id else None
    attachments = list(attachments_visible_to(user).filter(pk__in=payload.attachment_ids))
    if len(attachments) != len(set(payload.attachment_ids)):
        message = _("File not found.")
        raise NotFound(message, errors=[FieldError("attachment_ids", message)])
    activity, created = activity_record(
        customer=customer,
        kind=payload.kind,
        ctx=ctx_for(request, source=payload.source),
        occurred_at=payload.occurred_at,
        text=payload.text,
        payload=payload.payload,
        deal=deal,
        attachments=attachments,
        external_id=payload.external_id,
    )
    if not created and not activities_visible_to(user).filter(pk=activity.pk).exists():
        # The id is taken by an item on a timeline the caller cannot see: say so, show nothing.
        message = _("This external id is already used for this source.")
        raise Conflict(message, errors=[FieldError("external_id", message)])
    return Status(201 if created else 200, activity)
