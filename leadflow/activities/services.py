"""Recording touchpoints on the timeline. Idempotent on (source, external_id)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from leadflow.activities.models import Activity, ActivityKind
from leadflow.audit.services import audit_record
from leadflow.core.errors import FieldError, Forbidden, ValidationFailed
from leadflow.core.writes import WriteContext
from leadflow.customers.models import Customer
from leadflow.deals.models import Deal
from leadflow.gatekeeper import freshness, gate
from leadflow.org.visibility import sales_scope


def activity_record(
    *,
    customer: Customer,
    kind: str,
    ctx: WriteContext,
    occurred_at: dt.datetime | None = None,
    text: str = "",
    payload: dict[str, Any] | None = None,
    deal: Deal | None = None,
    attachments: Iterable[Any] = (),
    external_id: str | None = None,
    audit: bool = True,
    authorized: bool = False,
) -> tuple[Activity, bool]:
    """Put one touchpoint on the customer's timeline. Returns ``(activity, created)``.

    The same ``(source, external_id)`` recorded twice returns the first activity and creates
    nothing, so connectors and API clients can retry freely.
    """
    if kind not in ActivityKind.values:
        raise ValidationFailed(_("Unknown activity kind."), errors=[FieldError("kind", _("Unknown activity kind."))])
    if not authorized and ctx.actor is not None and not sales_scope(ctx.actor).allows_owner(customer.owner_id):
        raise Forbidden(_("You cannot add to this customer's timeline."))
    if deal is not None and deal.customer_id != customer.pk:
        raise ValidationFailed(
            _("The deal belongs to another customer."), errors=[FieldError("deal", _("The deal belongs to another customer."))]
        )
    external_id = (external_id or "").strip() or None
    if external_id:
        existing = Activity.objects.filter(source=ctx.source, external_id=external_id).first()
        if existing:
            return existing, False
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed(
            _("An activity cannot happen in the future."),
            errors=[FieldError("occurred_at", _("An activity cannot happen in the future."))],
        )
    activity = Activity(
        kind=kind,
        occurred_at=occurred_at,
        recorded_at=now,
        source=ctx.source,
        actor=ctx.actor if ctx.actor and ctx.actor.pk else None,
        customer=customer,
        deal=deal,
        text=(text or "").strip(),
        payload=payload or {},
        external_id=external_id,
    )
    verdict = gate.check(gate.Write(entity="activity", action="create", instance=activity, ctx=ctx))
    try:
        with transaction.atomic():
            activity.save()
            verdict.record(activity)
            if kind != ActivityKind.SYSTEM:
                freshness.touch(metric="contact", source=ctx.source, owner_id=customer.owner_id, at=now)
            attachments = list(attachments)
            if attachments:
                activity.attachments.set(attachments)
            Customer.objects.filter(pk=customer.pk).filter(
                Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=occurred_at)
            ).update(last_activity_at=occurred_at)
            if audit:
                audit_record(
                    ctx=ctx,
                    obj=activity,
                    action="create",
                    changes={"kind": kind, "customer": customer.pk, "external_id": external_id},
                )
    except IntegrityError:
        # Lost a race with the same external id: the other writer's row is the answer.
        if external_id:
            existing = Activity.objects.filter(source=ctx.source, external_id=external_id).first()
            if existing:
                return existing, False
        raise
    return activity, True
