"""On-time fulfilment: commitments delivered on or before due ÷ commitments due in the period.

Cancelled commitments are not counted. A commitment counts in the period its due time falls in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from leadflow.commitments.models import Commitment
from leadflow.commitments.selectors import commitments_visible_to
from leadflow.org.models import User

GROUPS = {
    "rep": ("owner_id", "owner__display_name", "owner__username"),
    "team": ("owner__team_id", "owner__team__name", "owner__team__branch__name"),
    "branch": ("owner__team__branch_id", "owner__team__branch__name", None),
    "product_line": ("deal__product_line_id", "deal__product_line__name", None),
    "week": ("week", None, None),
}


@dataclass
class Row:
    key: str
    label: str
    due: int
    on_time: int
    late: int
    open_overdue: int

    @property
    def rate(self) -> float | None:
        return round(self.on_time / self.due, 4) if self.due else None

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "due": self.due,
            "on_time": self.on_time,
            "late": self.late,
            "open_overdue": self.open_overdue,
            "rate": self.rate,
        }


def due_in_period(user: User, start: dt.datetime, end: dt.datetime) -> QuerySet[Commitment]:
    return commitments_visible_to(user).filter(due_at__gte=start, due_at__lt=end).exclude(status=Commitment.Status.CANCELLED)


def _counts(now: dt.datetime) -> dict:
    delivered = Q(status=Commitment.Status.DELIVERED)
    return {
        "due": Count("pk"),
        "on_time": Count("pk", filter=delivered & Q(delivered_at__lte=F("due_at"))),
        "late": Count("pk", filter=delivered & Q(delivered_at__gt=F("due_at"))),
        "open_overdue": Count("pk", filter=Q(status=Commitment.Status.OPEN, due_at__lt=now)),
    }


def fulfilment(user: User, *, group_by: str, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> list[Row]:
    if group_by not in GROUPS:
        raise ValueError(group_by)
    now = now or timezone.now()
    qs = due_in_period(user, start, end)
    key, label, extra = GROUPS[group_by]
    if group_by == "week":
        qs = qs.annotate(week=TruncWeek("due_at", tzinfo=timezone.get_current_timezone()))
        rows = qs.values("week").annotate(**_counts(now)).order_by("week")
        return [
            Row(key=r["week"].date().isoformat(), label=r["week"].date().isoformat(), due=r["due"], on_time=r["on_time"], late=r["late"], open_overdue=r["open_overdue"])
            for r in rows
        ]
    fields = [f for f in (key, label, extra) if f]
    rows = qs.values(*fields).annotate(**_counts(now)).order_by(label)
    out = []
    for r in rows:
        name = r.get(label) or (r.get(extra) if extra and group_by == "rep" else None) or "—"
        if group_by == "team" and r.get(extra):
            name = f"{r[extra]} · {name}"
        out.append(
            Row(key=str(r[key] or ""), label=name, due=r["due"], on_time=r["on_time"], late=r["late"], open_overdue=r["open_overdue"])
        )
    return out


def heatmap(user: User, *, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> dict:
    """Rep × product line on-time rates, shaped for ECharts."""
    now = now or timezone.now()
    qs = due_in_period(user, start, end)
    rows = list(
        qs.values("owner_id", "owner__display_name", "owner__username", "deal__product_line_id", "deal__product_line__name")
        .annotate(**_counts(now))
        .order_by("owner__display_name", "deal__product_line__name")
    )
    reps: dict[int, str] = {}
    lines: dict[int | None, str] = {}
    for r in rows:
        reps[r["owner_id"]] = r["owner__display_name"] or r["owner__username"]
        lines[r["deal__product_line_id"]] = r["deal__product_line__name"] or "—"
    rep_ids = sorted(reps, key=lambda k: reps[k])
    line_ids = sorted(lines, key=lambda k: lines[k])
    cells = []
    for r in rows:
        rate = round(r["on_time"] / r["due"], 4) if r["due"] else None
        cells.append(
            {
                "x": line_ids.index(r["deal__product_line_id"]),
                "y": rep_ids.index(r["owner_id"]),
                "rate": rate,
                "due": r["due"],
                "on_time": r["on_time"],
                "rep_id": r["owner_id"],
                "product_line_id": r["deal__product_line_id"],
            }
        )
    return {
        "reps": [{"id": i, "name": reps[i]} for i in rep_ids],
        "product_lines": [{"id": i, "name": lines[i]} for i in line_ids],
        "cells": cells,
    }
