"""Reads of the violation log for the data-quality page: who may see which findings, the counts
by rep, source and rule, and the weekly trend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from leadflow.gatekeeper.models import ViolationRecord
from leadflow.org.models import Role, User
from leadflow.org.visibility import users_visible_to

OUTCOMES = [o.value for o in ViolationRecord.Outcome]


def violations_visible_to(user: User) -> QuerySet[ViolationRecord]:
    """Admin and finance see every finding; a director their region's reps', a manager their
    team's, a rep their own (by the record's owner)."""
    if not user.is_authenticated or not user.is_active:
        return ViolationRecord.objects.none()
    if user.is_admin_role or user.role == Role.FINANCE:
        return ViolationRecord.objects.all()
    return ViolationRecord.objects.filter(owner__in=users_visible_to(user).values("pk"))


def _outcome_counts() -> dict[str, Any]:
    counts: dict[str, Any] = {o: Count("id", filter=Q(outcome=o)) for o in OUTCOMES}
    counts["total"] = Count("id")
    return counts


def violation_counts(qs: QuerySet[ViolationRecord], by: str) -> list[dict[str, Any]]:
    """Counts per outcome grouped by ``by`` ("owner", "source" or "rule"), largest first. Each row:
    {"key", "label", "refused", "confirmed", "held", "total"}; ``key`` is what the log filter takes."""
    if by == "owner":
        rows = qs.values("owner_id").annotate(**_outcome_counts()).order_by("-total", "owner_id")
        names = {
            u.pk: str(u) for u in User.objects.filter(pk__in=[r["owner_id"] for r in rows if r["owner_id"]])
        }
        return [
            {
                **r,
                "key": str(r["owner_id"]) if r["owner_id"] else "none",
                "label": names.get(r["owner_id"], ""),
            }
            for r in rows
        ]
    if by == "source":
        rows = qs.values("source").annotate(**_outcome_counts()).order_by("-total", "source")
        return [{**r, "key": r["source"], "label": r["source"]} for r in rows]
    if by == "rule":
        rows = (
            qs.values("rule_key", "rule__name").annotate(**_outcome_counts()).order_by("-total", "rule_key")
        )
        return [{**r, "key": r["rule_key"], "label": r["rule__name"] or r["rule_key"]} for r in rows]
    raise ValueError(by)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def violation_trend(
    qs: QuerySet[ViolationRecord], *, weeks: int = 12, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Findings per week (Monday to Sunday, local time) and outcome over the last ``weeks`` weeks,
    the current week included: {"weeks": [date, …], "series": {outcome: [count, …]}}."""
    today = timezone.localdate(now or timezone.now())
    first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        qs.filter(at__gte=since)
        .annotate(week=TruncWeek("at"))
        .values("week", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    days = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    index = {d: i for i, d in enumerate(days)}
    series = {o: [0] * weeks for o in OUTCOMES}
    for row in rows:
        week = row["week"]
        day = timezone.localtime(week).date() if isinstance(week, dt.datetime) else week
        if day in index and row["outcome"] in series:
            series[row["outcome"]][index[day]] += row["n"]
    return {"weeks": days, "series": series}


def held_reasons(payment_ids: list[int]) -> dict[int, list[str]]:
    """Why each of these payments was held: the messages of its hold findings."""
    out: dict[int, list[str]] = {}
    rows = ViolationRecord.objects.filter(
        entity="payment", outcome=ViolationRecord.Outcome.HELD, object_id__in=[str(pk) for pk in payment_ids]
    ).values_list("object_id", "message")
    for object_id, message in rows:
        out.setdefault(int(object_id), []).append(message)
    return out
