"""Reads about customers. Every read goes through :func:`customers_visible_to`."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from leadflow.core.errors import NotFound
from leadflow.customers.models import Contact, Customer
from leadflow.org.models import User
from leadflow.org.visibility import sales_scope


def customers_visible_to(user: User) -> QuerySet[Customer]:
    return sales_scope(user).apply(Customer.objects.all(), "owner")


def customer_get(user: User, customer_id: int) -> Customer:
    try:
        return customers_visible_to(user).select_related("owner", "owner__team").get(pk=customer_id)
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Customer not found.")) from None


def customer_search(
    user: User,
    *,
    q: str = "",
    city: str = "",
    owner_id: int | None = None,
    status: str = "",
) -> QuerySet[Customer]:
    """Search by name, phone (customer's or a contact's) or credit code; filter by city, owner, status."""
    qs = customers_visible_to(user)
    q = (q or "").strip()
    if q:
        digits = q.replace("-", "").replace(" ", "")
        cond = Q(name__icontains=q)
        if len(q) == 18 and q.isalnum():
            cond |= Q(credit_code=q.upper())
        if digits.isdigit() and len(digits) >= 4:
            contact_hits = Contact.objects.filter(mobile__startswith=digits).values("customer_id")
            cond |= Q(phone__contains=q) | Q(pk__in=contact_hits)
        qs = qs.filter(cond)
    if city:
        qs = qs.filter(city=city)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("owner").order_by("-last_activity_at", "-id")


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(customer__in=customers_visible_to(user).values("pk"))


def contact_get(user: User, contact_id: int) -> Contact:
    try:
        return contacts_visible_to(user).select_related("customer").get(pk=contact_id)
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Contact not found.")) from None


def customer_cities(user: User) -> list[str]:
    return list(
        customers_visible_to(user).exclude(city="").order_by("city").values_list("city", flat=True).distinct()
    )
