from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def navigation(request: HttpRequest) -> dict:
    """The main navigation, by role. Each entry: (url name, label, current?)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = [("web:home", _("My day"))]
    if user.role != "finance":
        items += [
            ("customers:list", _("Customers")),
            ("deals:list", _("Deals")),
            ("commitments:list", _("Commitments")),
        ]
    items += [("orders:payments", _("Payments"))]
    if user.role == "finance" or user.is_admin_role:
        items += [("quality:reviews", _("Reviews"))]
    items += [("quality:index", _("Data quality")), ("ingest:index", _("Import"))]
    if user.is_staff or user.is_admin_role:
        items += [("admin:index", _("Settings"))]
    match = getattr(request, "resolver_match", None)
    section = match.namespace if match else ""
    from leadflow.notify.models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {
        "nav": [(name, label, name.split(":")[0] == section) for name, label in items],
        "inbox_unread": unread,
    }
