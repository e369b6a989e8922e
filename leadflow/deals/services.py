"""Writes about deals: create, update, stage change (with the gatekeeper's stage-jump check)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leadflow.activities.models import ActivityKind
from leadflow.activities.services import activity_record
from leadflow.audit.services import audit_record
from leadflow.core.errors import FieldError, Forbidden, ValidationFailed
from leadflow.core.writes import WriteContext, snapshot, validate_instance
from leadflow.customers.models import Customer
from leadflow.deals.models import Deal, Stage
from leadflow.deals.selectors import pipeline_for_industry
from leadflow.gatekeeper import gate
from leadflow.org.visibility import sales_scope

DEAL_FIELDS = {"name", "amount", "product_line", "product_line_id", "notes", "owner_id"}


def _require_visible(ctx: WriteContext, owner_id: int) -> None:
    if ctx.actor is not None and not sales_scope(ctx.actor).allows_owner(owner_id):
        raise Forbidden(_("You cannot change this deal."))


def deal_create(
    *,
    customer: Customer,
    name: str,
    ctx: WriteContext,
    amount: Decimal | int | str = 0,
    stage: Stage | None = None,
    owner_id: int | None = None,
    product_line_id: int | None = None,
    notes: str = "",
) -> Deal:
    _require_visible(ctx, customer.owner_id)
    owner_id = owner_id or customer.owner_id
    _require_visible(ctx, owner_id)
    pipeline = stage.pipeline if stage else pipeline_for_industry(customer.industry)
    stage = stage or pipeline.stages.order_by("position").first()
    if stage is None:
        raise ValidationFailed(
            _("The pipeline has no stages."), errors=[FieldError("stage", _("The pipeline has no stages."))]
        )
    now = timezone.now()
    deal = Deal(
        name=(name or "").strip(),
        customer=customer,
        owner_id=owner_id,
        pipeline=pipeline,
        stage=stage,
        amount=amount,
        product_line_id=product_line_id,
        notes=notes,
        stage_changed_at=now,
        closed_at=now if stage.is_closed else None,
    )
    validate_instance(deal)
    verdict = gate.check(gate.Write(entity="deal", action="create", instance=deal, ctx=ctx))
    with transaction.atomic():
        deal.save()
        verdict.record(deal)
        audit_record(ctx=ctx, obj=deal, action="create", after=snapshot(deal))
        activity_record(
            customer=customer,
            kind=ActivityKind.NOTE,
            ctx=ctx,
            deal=deal,
            text=_("Deal “%(name)s” opened at stage %(stage)s") % {"name": deal.name, "stage": stage.name},
            payload={"event": "deal_created", "stage": stage.name, "amount": str(deal.amount)},
            audit=False,
            authorized=True,
        )
    return deal


def deal_update(*, deal: Deal, ctx: WriteContext, **changes: Any) -> Deal:
    unknown = set(changes) - DEAL_FIELDS
    if unknown:
        raise ValidationFailed(
            _("Unknown fields."), errors=[FieldError(f, _("Unknown field.")) for f in sorted(unknown)]
        )
    _require_visible(ctx, deal.owner_id)
    if "owner_id" in changes:
        _require_visible(ctx, changes["owner_id"])
    before = snapshot(deal)
    for field, value in changes.items():
        setattr(deal, field, value)
    validate_instance(deal)
    verdict = gate.check(gate.Write(entity="deal", action="update", instance=deal, ctx=ctx, before=before))
    with transaction.atomic():
        deal.save()
        verdict.record(deal)
        audit_record(ctx=ctx, obj=deal, action="update", before=before, after=snapshot(deal))
    return deal


def deal_change_stage(
    *, deal: Deal, stage: Stage, ctx: WriteContext, note: str = "", evidence: Iterable[Any] = ()
) -> Deal:
    """Move a deal to ``stage``. The gate sees how many stages it jumps and the evidence attached."""
    _require_visible(ctx, deal.owner_id)
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationFailed(
            _("That stage belongs to another pipeline."),
            errors=[FieldError("stage", _("That stage belongs to another pipeline."))],
        )
    if stage.pk == deal.stage_id:
        return deal
    evidence = list(evidence)
    before = snapshot(deal)
    old_stage = deal.stage
    jump = stage.position - old_stage.position
    verdict = gate.check(
        gate.Write(
            entity="deal",
            action="stage_change",
            instance=deal,
            ctx=ctx,
            before=before,
            extra={"from_stage": old_stage, "to_stage": stage, "jump": jump, "evidence": evidence},
        )
    )
    now = timezone.now()
    with transaction.atomic():
        # Compare-and-set on the stage so two people moving the same card cannot both win.
        moved = Deal.objects.filter(pk=deal.pk, stage_id=old_stage.pk).update(
            stage=stage, stage_changed_at=now, closed_at=now if stage.is_closed else None, updated_at=now
        )
        if moved != 1:
            from leadflow.core.errors import Conflict

            raise Conflict(_("Someone else moved this deal meanwhile; reload and try again."))
        deal.refresh_from_db()
        verdict.record(deal)
        audit_record(ctx=ctx, obj=deal, action="stage_change", before=before, after=snapshot(deal))
        activity_record(
            customer=deal.customer,
            kind=ActivityKind.STAGE_CHANGE,
            ctx=ctx,
            deal=deal,
            text=note or _("%(from)s → %(to)s") % {"from": old_stage.name, "to": stage.name},
            payload={
                "from": old_stage.name,
                "to": stage.name,
                "from_id": old_stage.pk,
                "to_id": stage.pk,
                "jump": jump,
            },
            attachments=evidence,
            audit=False,
            authorized=True,
        )
    return deal
