from __future__ import annotations

from django.db.models import QuerySet

from leadflow.activities.models import Activity
from leadflow.customers.models import Customer
from leadflow.org.models import User
from leadflow.org.visibility import sales_scope


def activities_visible_to(user: User) -> QuerySet[Activity]:
    return sales_scope(user).apply(Activity.objects.all(), "customer__owner")


def customer_timeline(customer: Customer) -> QuerySet[Activity]:
    """The timeline of a customer the caller has already been allowed to see (customer_get)."""
    return (
        Activity.objects.filter(customer=customer)
        .select_related("actor", "deal")
        .prefetch_related("attachments")
        .order_by("-occurred_at", "-id")
    )


def recent_activities(user: User, limit: int = 20) -> QuerySet[Activity]:
    return activities_visible_to(user).select_related("customer", "actor").order_by("-occurred_at", "-id")[:limit]
