"""Data freshness: when did each metric last receive data from each source, per region.

The services call :func:`touch` on every write (an upsert of one small row); the board reads
those rows; the sweep turns a row red when its age in working hours passes the threshold and
tells the region's owner once per stale episode.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leadflow.gatekeeper.models import FreshnessMark, FreshnessSettings
from leadflow.org.models import Region, User
from leadflow.workcalendar.calendar import is_workday

METRICS = {
    "contact": gettext_lazy("Customer contact time"),
    "customers": gettext_lazy("Customer records"),
    "orders": gettext_lazy("Orders"),
    "payments": gettext_lazy("Payments"),
}

def region_of(user_id: int | None) -> int:
    """The region id of a user (0 when none): one indexed look-up, so a user moved to another
    team counts for the new region at once, in every process."""
    if user_id is None:
        return 0
    row = User.objects.filter(pk=user_id).values_list("team__branch__region_id", "region_id").first()
    return (row[0] or row[1] or 0) if row else 0


def _regions() -> dict[int, int]:
    """Every user's region at once, for the bulk rebuild."""
    return {pk: team or own or 0 for pk, team, own in User.objects.values_list("pk", "team__branch__region_id", "region_id")}


def touch(*, metric: str, source: str, owner_id: int | None, at: dt.datetime | None = None) -> None:
    """Record that ``metric`` got data from ``source`` at ``at`` (call inside the write's transaction)."""
    at = at or timezone.now()
    region_key = region_of(owner_id)
    updated = FreshnessMark.objects.filter(region_key=region_key, metric=metric, source=source).filter(
        last_at__lt=at
    ).update(last_at=at)
    if updated:
        return
    if FreshnessMark.objects.filter(region_key=region_key, metric=metric, source=source).exists():
        return  # a newer mark is already there
    try:
        with transaction.atomic():
            FreshnessMark.objects.create(region_key=region_key, metric=metric, source=source, last_at=at)
    except IntegrityError:
        FreshnessMark.objects.filter(region_key=region_key, metric=metric, source=source, last_at__lt=at).update(last_at=at)


def working_hours_between(start: dt.datetime, end: dt.datetime, settings: FreshnessSettings | None = None) -> float:
    """Hours of work time (work days, between the day's start and end) from ``start`` to ``end``."""
    settings = settings or FreshnessSettings.current()
    if end <= start:
        return 0.0
    start, end = timezone.localtime(start), timezone.localtime(end)
    day = start.date()
    total = 0.0
    for _day in range(400):  # a bound: over a year stale is simply "very stale"
        if day > end.date():
            break
        if is_workday(day):
            open_ = dt.datetime.combine(day, settings.work_start, tzinfo=start.tzinfo)
            close = dt.datetime.combine(day, settings.work_end, tzinfo=start.tzinfo)
            lo, hi = max(open_, start), min(close, end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 3600
        day += dt.timedelta(days=1)
    return total


def board(user: User, now: dt.datetime | None = None) -> list[dict]:
    """Rows of the freshness board for the regions ``user`` may see."""
    now = now or timezone.now()
    settings = FreshnessSettings.current()
    marks = FreshnessMark.objects.all()
    if not user.is_admin_role and user.role != "finance":
        own = region_of(user.pk)
        marks = marks.filter(region_key=own)
    regions = dict(Region.objects.values_list("pk", "name"))
    rows = []
    for mark in marks.order_by("region_key", "metric", "source"):
        age = working_hours_between(mark.last_at, now, settings)
        rows.append(
            {
                "region_key": mark.region_key,
                "region": regions.get(mark.region_key, _("No region")),
                "metric": mark.metric,
                "metric_label": str(METRICS.get(mark.metric, mark.metric)),
                "source": mark.source,
                "last_at": mark.last_at,
                "age_working_hours": round(age, 1),
                "stale": age > settings.threshold_hours,
                "threshold_hours": settings.threshold_hours,
            }
        )
    return rows


def check_stale(now: dt.datetime) -> dict:
    """Turn marks red or green; tell the region owner once when a mark turns red."""
    from leadflow.notify.services import notify

    settings = FreshnessSettings.current()
    regions = {r.pk: r for r in Region.objects.select_related("owner")}
    turned_red = turned_green = 0
    for mark in FreshnessMark.objects.all():
        stale = working_hours_between(mark.last_at, now, settings) > settings.threshold_hours
        if stale and mark.stale_since is None:
            # Compare-and-set: only one sweeper opens the episode and sends the alert.
            with transaction.atomic():
                if not FreshnessMark.objects.filter(pk=mark.pk, stale_since__isnull=True).update(stale_since=now, alerted_at=now):
                    continue
                turned_red += 1
                region = regions.get(mark.region_key)
                if region and region.owner_id:
                    notify(
                        recipient=region.owner,
                        kind="freshness_stale",
                        title=_("%(region)s: no %(metric)s from %(source)s for over %(hours)d working hours")
                        % {"region": region.name, "metric": METRICS.get(mark.metric, mark.metric), "source": mark.source, "hours": settings.threshold_hours},
                        body=_("Last update: %(at)s") % {"at": timezone.localtime(mark.last_at).strftime("%Y-%m-%d %H:%M:%S")},
                        url="/quality/freshness/",
                        dedupe_key=f"freshness:{mark.pk}:{now.isoformat()}",
                    )
        elif not stale and mark.stale_since is not None:
            FreshnessMark.objects.filter(pk=mark.pk).update(stale_since=None)
            turned_green += 1
    return {"turned_red": turned_red, "turned_green": turned_green}


def rebuild() -> int:
    """Recompute every mark from the data (after a bulk load)."""
    from leadflow.activities.models import Activity
    from leadflow.customers.models import Customer
    from leadflow.orders.models import Order, Payment

    FreshnessMark.objects.all().delete()
    sources = [
        ("contact", Activity.objects.exclude(kind__in=["system"]), "customer__owner_id", "source", "recorded_at"),
        ("customers", Customer.objects.all(), "owner_id", "created_via", "updated_at"),
        ("orders", Order.objects.all(), "customer__owner_id", "source", "created_at"),
        ("payments", Payment.objects.all(), "customer__owner_id", "source", "created_at"),
    ]
    best: dict[tuple[int, str, str], dt.datetime] = {}
    regions = _regions()
    for metric, qs, owner, source, at in sources:
        for row in qs.values(owner, source).annotate(last=Max(at)):
            key = (regions.get(row[owner], 0), metric, row[source])
            if row["last"] and (key not in best or row["last"] > best[key]):
                best[key] = row["last"]
    FreshnessMark.objects.bulk_create(
        [FreshnessMark(region_key=k[0], metric=k[1], source=k[2], last_at=v) for k, v in best.items()]
    )
    return len(best)




def freshness_settings_update(*, threshold_hours: int, ctx) -> FreshnessSettings:
    """Change the board's threshold (admin only); audited. A new threshold applies at the next
    look at the board and the next sweep."""
    from leadflow.audit.services import audit_record
    from leadflow.core.errors import FieldError, Forbidden, ValidationFailed
    from leadflow.core.writes import snapshot

    if ctx.actor is None or not ctx.actor.is_admin_role:
        raise Forbidden(_("Only an administrator can change the freshness threshold."))
    if not isinstance(threshold_hours, int) or not 1 <= threshold_hours <= 200:
        message = _("Give a whole number of working hours between 1 and 200.")
        raise ValidationFailed(message, errors=[FieldError("threshold_hours", message)])
    with transaction.atomic():
        settings = FreshnessSettings.objects.select_for_update().order_by("pk").first() or FreshnessSettings()
        before = snapshot(settings) if settings.pk else {}
        settings.threshold_hours = threshold_hours
        settings.save()
        audit_record(ctx=ctx, obj=settings, action="update", before=before, after=snapshot(settings))
    return settings
