from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from leadflow.activities.selectors import activities_visible_to, recent_activities
from leadflow.commitments.models import Commitment
from leadflow.commitments.selectors import commitments_visible_to
from leadflow.customers.models import CustomerStatus
from leadflow.customers.selectors import customers_visible_to
from leadflow.deals.models import Stage
from leadflow.deals.selectors import deals_visible_to
from leadflow.orders.models import Payment
from leadflow.orders.selectors import payments_visible_to
from leadflow.org.models import Role

FOLLOW_UP_STATUSES = [CustomerStatus.LEAD, CustomerStatus.PROSPECT, CustomerStatus.ACTIVE]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: today's follow-ups, recent activity and a few counts, each linking to its list."""
    user = request.user
    now = timezone.localtime()
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    customers = customers_visible_to(user)
    # Not yet touched today, longest-untouched first: who to call or visit next.
    follow_ups = (
        customers.filter(status__in=FOLLOW_UP_STATUSES)
        .filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=start_of_day))
        .select_related("owner")
        .order_by("last_activity_at", "id")[:10]
    )
    return render(
        request,
        "web/home.html",
        {
            "now": now,
            "follow_ups": follow_ups,
            "recent": recent_activities(user, limit=15),
            "counts": _counts(user, start_of_day),
            # Promises due within two days or already overdue: what to deliver today.
            "commitments": commitments_visible_to(user)
            .filter(status=Commitment.Status.OPEN, due_at__lt=now + dt.timedelta(days=2))
            .select_related("deliverable_type", "customer", "owner")
            .order_by("due_at")[:10],
        },
    )


def _counts(user, start_of_day) -> list[tuple[str, int, str]]:
    """(label, number, link to the list behind the number)."""
    counts: list[tuple[str, int, str]] = []
    if user.role != Role.FINANCE:
        by_status = dict(
            customers_visible_to(user).values("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        customers_url = reverse("customers:list")
        counts += [
            (_("Customers"), sum(by_status.values()), customers_url),
            (
                _("Leads"),
                by_status.get(CustomerStatus.LEAD, 0),
                f"{customers_url}?status={CustomerStatus.LEAD}",
            ),
            (
                _("Active customers"),
                by_status.get(CustomerStatus.ACTIVE, 0),
                f"{customers_url}?status={CustomerStatus.ACTIVE}",
            ),
            (
                _("Open deals"),
                deals_visible_to(user).filter(stage__kind=Stage.Kind.OPEN).count(),
                reverse("deals:kanban"),
            ),
            (
                _("Activities today"),
                activities_visible_to(user).filter(occurred_at__gte=start_of_day).count(),
                "",
            ),
        ]
    pending = payments_visible_to(user).filter(review_status=Payment.Review.PENDING).count()
    counts.append(
        (_("Payments to review"), pending, f"{reverse('orders:payments')}?review={Payment.Review.PENDING}")
    )
    return counts


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
