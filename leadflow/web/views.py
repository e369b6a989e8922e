from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from leadflow.activities.selectors import recent_activities
from leadflow.customers.selectors import customers_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: today's follow-ups and recent activity."""
    now = timezone.localtime()
    follow_ups = (
        customers_visible_to(request.user)
        .filter(status__in=["lead", "prospect", "active"])
        .select_related("owner")
        .order_by("last_activity_at", "id")[:10]
    )
    return render(
        request,
        "web/home.html",
        {"now": now, "follow_ups": follow_ups, "recent": recent_activities(request.user, limit=15)},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
