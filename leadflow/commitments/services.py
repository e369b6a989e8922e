"""Commitments: create, deliver, cancel, reschedule; tickets: comment, change status.
Each write: validate → gate → save + timeline + audit in one transaction → escalation re-planned."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from leadflow.activities.models import ActivityKind
from leadflow.activities.services import activity_record
from leadflow.attachments.models import Attachment
from leadflow.audit.services import audit_record
from leadflow.commitments import escalation
from leadflow.commitments.models import Commitment, DeliverableType, Ticket, TicketEvent
from leadflow.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from leadflow.core.writes import WriteContext, snapshot, validate_instance
from leadflow.customers.models import Customer
from leadflow.deals.models import Deal
from leadflow.gatekeeper import gate
from leadflow.org.models import User
from leadflow.org.visibility import sales_scope


def _require(ctx: WriteContext, owner_id: int) -> None:
    if ctx.actor is not None and not sales_scope(ctx.actor).allows_owner(owner_id):
        raise Forbidden(_("You cannot change this commitment."))


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[FieldError(field, message)])


def _timeline(commitment: Commitment, ctx: WriteContext, text: str, event: str, files: Iterable[Attachment] = ()) -> None:
    activity_record(
        customer=commitment.customer,
        kind=ActivityKind.COMMITMENT,
        ctx=ctx,
        deal=commitment.deal,
        text=text,
        payload={"event": event, "commitment_id": commitment.pk, "due_at": commitment.due_at.isoformat()},
        attachments=files,
        audit=False,
        authorized=True,
    )


def commitment_create(
    *,
    deliverable_type: DeliverableType,
    title: str,
    due_at: dt.datetime,
    ctx: WriteContext,
    deal: Deal | None = None,
    customer: Customer | None = None,
    owner: User | None = None,
    files: Iterable[Attachment] = (),
) -> Commitment:
    if deal is None and customer is None:
        raise _fail("deal", _("A commitment belongs to a deal or a customer."))
    if deal is not None and customer is not None and deal.customer_id != customer.pk:
        raise _fail("deal", _("The deal belongs to another customer."))
    customer = customer or deal.customer
    owner = owner or (deal.owner if deal else customer.owner)
    _require(ctx, customer.owner_id)
    _require(ctx, owner.pk)
    if not deliverable_type.active:
        raise _fail("deliverable_type", _("This deliverable type is no longer in use."))
    if due_at is None or timezone.is_naive(due_at):
        raise _fail("due_at", _("Give the due date and time."))
    now = timezone.now()
    if due_at < now - dt.timedelta(minutes=5):
        raise _fail("due_at", _("The due time is in the past."))
    commitment = Commitment(
        deal=deal,
        customer=customer,
        owner=owner,
        deliverable_type=deliverable_type,
        title=(title or "").strip(),
        due_at=due_at,
        created_by=ctx.actor if ctx.actor and ctx.actor.pk else None,
        arm_started_at=now,
    )
    validate_instance(commitment, exclude=["next_escalation_at"])
    verdict = gate.check(gate.Write(entity="commitment", action="create", instance=commitment, ctx=ctx))
    files = list(files)
    with transaction.atomic():
        commitment.save()
        verdict.record(commitment)
        if files:
            commitment.files.set(files)
        escalation.schedule(commitment)
        audit_record(ctx=ctx, obj=commitment, action="create", after=snapshot(commitment))
        _timeline(
            commitment,
            ctx,
            _("Promised %(type)s “%(title)s” by %(due)s")
            % {"type": deliverable_type.name, "title": commitment.title, "due": date_format(timezone.localtime(due_at), "Y-m-d H:i")},
            "created",
            files,
        )
    return commitment


def _lock_open(commitment: Commitment) -> Commitment:
    locked = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("deliverable_type", "customer", "deal")
        .get(pk=commitment.pk)
    )
    if locked.status != Commitment.Status.OPEN:
        raise Conflict(_("This commitment is already %(status)s.") % {"status": locked.get_status_display()})
    return locked


def commitment_deliver(*, commitment: Commitment, ctx: WriteContext, files: Iterable[Attachment] = ()) -> Commitment:
    _require(ctx, commitment.owner_id)
    files = list(files)
    if commitment.deliverable_type.requires_file and not files:
        raise _fail("files", _("Attach the delivered %(type)s.") % {"type": commitment.deliverable_type.name})
    now = timezone.now()
    candidate = copy.copy(commitment)
    candidate.status, candidate.delivered_at = Commitment.Status.DELIVERED, now
    verdict = gate.check(
        gate.Write(entity="commitment", action="deliver", instance=candidate, ctx=ctx, before=snapshot(commitment))
    )
    with transaction.atomic():
        locked = _lock_open(commitment)
        before = snapshot(locked)
        locked.status = Commitment.Status.DELIVERED
        locked.delivered_at = now
        locked.save()
        verdict.record(locked)
        if files:
            locked.delivery_files.add(*files)
        escalation.schedule(locked)  # stops the levels not fired yet
        audit_record(ctx=ctx, obj=locked, action="deliver", before=before, after=snapshot(locked))
        late = "" if locked.delivered_at <= locked.due_at else _(" (late)")
        _timeline(locked, ctx, _("Delivered “%(title)s”%(late)s") % {"title": locked.title, "late": late}, "delivered", files)
    return locked


def commitment_cancel(*, commitment: Commitment, reason: str, ctx: WriteContext) -> Commitment:
    _require(ctx, commitment.owner_id)
    reason = (reason or "").strip()
    if not reason:
        raise _fail("reason", _("Say why the commitment is cancelled."))
    with transaction.atomic():
        locked = _lock_open(commitment)
        before = snapshot(locked)
        locked.status = Commitment.Status.CANCELLED
        locked.cancel_reason = reason[:200]
        locked.save()
        escalation.schedule(locked)
        audit_record(ctx=ctx, obj=locked, action="cancel", before=before, after=snapshot(locked))
        _timeline(locked, ctx, _("Cancelled “%(title)s”: %(reason)s") % {"title": locked.title, "reason": reason}, "cancelled")
    return locked


def commitment_reschedule(*, commitment: Commitment, due_at: dt.datetime, ctx: WriteContext) -> Commitment:
    """Move the due time. This re-arms every escalation level for the new time."""
    _require(ctx, commitment.owner_id)
    if due_at is None or timezone.is_naive(due_at):
        raise _fail("due_at", _("Give the due date and time."))
    if due_at < timezone.now() - dt.timedelta(minutes=5):
        raise _fail("due_at", _("The due time is in the past."))
    if commitment.due_at == due_at:
        return commitment
    candidate = copy.copy(commitment)
    candidate.due_at = due_at
    verdict = gate.check(
        gate.Write(entity="commitment", action="reschedule", instance=candidate, ctx=ctx, before=snapshot(commitment))
    )
    with transaction.atomic():
        locked = _lock_open(commitment)
        before = snapshot(locked)
        locked.due_at = due_at
        locked.arm += 1
        locked.arm_started_at = timezone.now()
        locked.save()
        verdict.record(locked)
        escalation.schedule(locked)
        audit_record(ctx=ctx, obj=locked, action="reschedule", before=before, after=snapshot(locked))
        _timeline(
            locked,
            ctx,
            _("Due time of “%(title)s” moved to %(due)s")
            % {"title": locked.title, "due": date_format(timezone.localtime(due_at), "Y-m-d H:i")},
            "rescheduled",
        )
    return locked


def ticket_comment(*, ticket: Ticket, text: str, ctx: WriteContext) -> TicketEvent:
    text = (text or "").strip()
    if not text:
        raise _fail("text", _("Write a comment."))
    with transaction.atomic():
        event = TicketEvent.objects.create(ticket=ticket, author=ctx.actor, kind="comment", text=text[:4000])
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
        audit_record(ctx=ctx, obj=ticket, action="comment", changes={"text": text[:200]})
    return event


def ticket_set_status(*, ticket: Ticket, status: str, ctx: WriteContext) -> Ticket:
    if status not in Ticket.Status.values:
        raise _fail("status", _("Unknown status."))
    if status == ticket.status:
        return ticket
    with transaction.atomic():
        before = ticket.status
        ticket.status = status
        ticket.save(update_fields=["status", "updated_at"])
        TicketEvent.objects.create(ticket=ticket, author=ctx.actor, kind="status", text=f"{before} → {status}")
        audit_record(ctx=ctx, obj=ticket, action="status", changes={"status": [before, status]})
    return ticket
