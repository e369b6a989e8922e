"""Reads about customers. Every read goes through :func:`customers_visible_to`."""

from __future__ import annotations

import re

from django.db import connection
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


# A whole 统一社会信用代码 (GB 32100-2015): two characters for the registering authority and kind,
# the 6-digit area code, the 9-character organisation code and the check character (no I O Z S V).
CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}", re.IGNORECASE)
# What people type for a phone number: digits with spaces, dashes, brackets, maybe +86.
PHONE_TEXT = re.compile(r"\+?[0-9 \-()（）]+")
MIN_PHONE_DIGITS = 7


def credit_code_query(q: str) -> str | None:
    """The credit code ``q`` is, upper-cased, or None when it does not look like one."""
    code = q.strip().replace(" ", "")
    return code.upper() if CREDIT_CODE.fullmatch(code) else None


def phone_query(q: str) -> str | None:
    """The national digits of a phone-number query (at least 7), or None when ``q`` is not one.

    "+86 138 1234 5678" → "13812345678"; "+86 571 8765 4321" → "057187654321" (the trunk 0 back).
    """
    q = q.strip()
    if not PHONE_TEXT.fullmatch(q):
        return None
    digits = re.sub(r"[^0-9]", "", q)
    if q.startswith("+") or digits.startswith("0086"):
        digits = digits.removeprefix("00").removeprefix("86")
        if digits and not digits.startswith("1"):
            digits = "0" + digits
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def landline_prefix(digits: str) -> str:
    """Digits as the start of a stored landline ("0571-8765…", "010-6552…"): Beijing's 010 and the
    02x area codes have three digits, all others four (see ``validators.normalize_phone``)."""
    if not digits.startswith("0"):
        return digits
    split = 3 if digits[1:2] in ("1", "2") else 4
    return digits if len(digits) <= split else f"{digits[:split]}-{digits[split:]}"


def starts_with(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, written so that the column's index answers it.

    SQLite's LIKE ignores case and so cannot use a plain index: a range does (its text compares
    byte by byte). PostgreSQL's ``LIKE 'p%'`` uses the pattern index Django adds to indexed text
    columns, whatever the database's collation.
    """
    if connection.vendor == "sqlite":
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})
    return Q(**{f"{field}__startswith": prefix})


def customers_by_phone(digits: str) -> QuerySet:
    """Ids of customers whose phone, or a contact's mobile, starts with ``digits``: prefix look-ups
    on the indexed columns, never a scan."""
    ids = Customer.objects.filter(starts_with("phone", landline_prefix(digits))).order_by().values("pk")
    if digits.startswith("1"):  # a mobile (the only kind a contact's mobile can be)
        mobiles = Contact.objects.filter(starts_with("mobile", digits)).order_by().values("customer_id")
        ids = ids.union(mobiles)
    return ids


def customer_search(
    user: User,
    *,
    q: str = "",
    city: str = "",
    owner_id: int | None = None,
    status: str = "",
) -> QuerySet[Customer]:
    """Search by name, phone (customer's or a contact's) or credit code; filter by city, owner, status.

    A query that is a whole credit code is an exact look-up, and one that is a phone number (at
    least 7 digits) a prefix look-up of the customer's phone and the contacts' mobiles, each on its
    index; anything else searches the name (a trigram index serves it on PostgreSQL, see
    migration 0003). Keeping them apart lets a code or a number skip the scan a name search is.
    """
    qs = customers_visible_to(user)
    q = (q or "").strip()
    if q:
        if code := credit_code_query(q):
            qs = qs.filter(credit_code=code)
        elif digits := phone_query(q):
            qs = qs.filter(pk__in=customers_by_phone(digits))
        else:
            qs = qs.filter(name__icontains=q)
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
