"""When each escalation level of a commitment is due, and firing the due ones exactly once.

1. A commitment's levels come from its deliverable type's policy (EscalationLevel rows).
2. A level's time is due_at + offset. With "work days only", a reminder before the due time that
   falls on a weekend or public holiday moves back to the previous work day (same clock time) —
   still ahead of the promise — and a notice at or after the due time moves forward to 09:00 of
   the next work day. Make-up work days count as work days.
3. ``next_escalation_at`` holds the earliest level not yet fired for the current arm; the sweep
   reads only rows where it has come (an indexed range), so its cost follows what is due.
4. Firing writes an EscalationFiring row under a unique (commitment, action, arm) constraint in
   the same transaction as its notifications: a second worker or a re-run hits the constraint and
   fires nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from leadflow.commitments.models import Commitment, EscalationFiring, EscalationLevel
from leadflow.workcalendar.calendar import is_workday

log = logging.getLogger(__name__)
Action = EscalationLevel.Action
MAX_DAYS_SHIFT = 30


def _shift(at: dt.datetime, *, backwards: bool) -> dt.datetime:
    local = timezone.localtime(at)
    for _ in range(MAX_DAYS_SHIFT):
        if is_workday(local.date()):
            return local
        if backwards:
            local = local - dt.timedelta(days=1)
        else:
            local = (local + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    return timezone.localtime(at)


def level_time(commitment: Commitment, level: EscalationLevel) -> dt.datetime | None:
    """When ``level`` fires for the current arm, or None when it is moot.

    With "work days only", a reminder before the due time moves back to the previous work day;
    if that is before the promise was made (or re-armed), it moves forward to 09:00 of the next
    work day instead. A reminder that still falls before the promise, or at or after the due
    time, is moot: the manager level follows at due.
    """
    at = commitment.due_at + dt.timedelta(hours=level.offset_hours)
    if commitment.deliverable_type.skip_non_workdays:
        if level.offset_hours < 0:
            back = _shift(at, backwards=True)
            at = back if back >= commitment.arm_started_at else _shift(at, backwards=False)
        else:
            at = _shift(at, backwards=False)
    if level.action == Action.REMIND_OWNER and not commitment.arm_started_at <= at < commitment.due_at:
        return None
    return at


def pending_levels(commitment: Commitment) -> list[tuple[dt.datetime, EscalationLevel]]:
    """The levels not yet fired for the current arm, with their times, earliest first."""
    fired = set(
        EscalationFiring.objects.filter(commitment=commitment, arm=commitment.arm).values_list("action", flat=True)
    )
    out = []
    for level in commitment.deliverable_type.levels.filter(active=True):
        if level.action in fired:
            continue
        at = level_time(commitment, level)
        if at is not None:
            out.append((at, level))
    return sorted(out, key=lambda pair: pair[0])


def schedule(commitment: Commitment) -> dt.datetime | None:
    """Recompute and store ``next_escalation_at`` (call inside the writing transaction)."""
    if commitment.status != Commitment.Status.OPEN:
        nxt = None
    else:
        levels = pending_levels(commitment)
        nxt = levels[0][0] if levels else None
    Commitment.objects.filter(pk=commitment.pk).update(next_escalation_at=nxt)
    commitment.next_escalation_at = nxt
    return nxt


def due_ids(now: dt.datetime, limit: int = 1000) -> list[int]:
    return list(
        Commitment.objects.filter(status=Commitment.Status.OPEN, next_escalation_at__lte=now)
        .order_by("next_escalation_at")
        .values_list("pk", flat=True)[:limit]
    )


def fire_due(pk: int, now: dt.datetime) -> list[str]:
    """Fire every level of commitment ``pk`` that is due at ``now``; returns the actions fired."""
    from leadflow.commitments.actions import perform

    fired: list[str] = []
    with transaction.atomic():
        qs = Commitment.objects.select_related("deliverable_type", "owner", "owner__team", "customer", "deal")
        if connection.features.has_select_for_update_skip_locked:
            commitment = qs.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
        else:
            commitment = qs.filter(pk=pk).first()
        if commitment is None or commitment.status != Commitment.Status.OPEN:
            return fired
        for at, level in pending_levels(commitment):
            if at > now:
                break
            try:
                with transaction.atomic():
                    EscalationFiring.objects.create(
                        commitment=commitment, action=level.action, arm=commitment.arm, scheduled_for=at, fired_at=now
                    )
                    perform(level.action, commitment, now=now)
            except IntegrityError:
                continue  # fired already by another worker or an earlier run
            fired.append(level.action)
        schedule(commitment)
    return fired
