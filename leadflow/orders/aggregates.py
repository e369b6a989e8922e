"""The per-customer monthly payment aggregate: kept up to date by the services, read by the
gatekeeper's outlier rule (a handful of rows, never the history)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone

from leadflow.orders.models import CustomerPaymentMonth, Payment


def month_of(when: dt.datetime) -> dt.date:
    return timezone.localtime(when).date().replace(day=1)


def _months_back(month: dt.date, n: int) -> dt.date:
    year, m = month.year, month.month - n
    while m <= 0:
        m += 12
        year -= 1
    return dt.date(year, m, 1)


def add_payment(payment: Payment) -> None:
    """Count an accepted payment in its month (call in the transaction that accepts it)."""
    month = month_of(payment.received_at)
    updated = CustomerPaymentMonth.objects.filter(customer_id=payment.customer_id, month=month).update(
        total=F("total") + payment.amount, count=F("count") + 1
    )
    if not updated:
        _, created = CustomerPaymentMonth.objects.get_or_create(
            customer_id=payment.customer_id, month=month, defaults={"total": payment.amount, "count": 1}
        )
        if not created:  # lost a race with another writer: add to theirs
            CustomerPaymentMonth.objects.filter(customer_id=payment.customer_id, month=month).update(
                total=F("total") + payment.amount, count=F("count") + 1
            )


def trailing_average(customer_id: int, when: dt.datetime, months: int) -> Decimal | None:
    """Average accepted payment of the customer over the ``months`` months before ``when``'s month
    (the current month included), or None without history."""
    current = month_of(when)
    rows = CustomerPaymentMonth.objects.filter(
        customer_id=customer_id, month__gte=_months_back(current, months - 1), month__lte=current
    ).aggregate(total=Sum("total"), count=Sum("count"))
    if not rows["count"]:
        return None
    return (rows["total"] / rows["count"]).quantize(Decimal("0.01"))


def rebuild(customer_ids=None) -> int:
    """Recompute the aggregate from the accepted payments (after bulk loads)."""
    from django.db.models.functions import TruncMonth

    qs = Payment.objects.filter(review_status=Payment.Review.ACCEPTED)
    stale = CustomerPaymentMonth.objects.all()
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
        stale = stale.filter(customer_id__in=customer_ids)
    stale.delete()
    rows = (
        qs.annotate(m=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
        .values("customer_id", "m")
        .annotate(total=Sum("amount"), n=Count("pk"))
    )
    objs = [
        CustomerPaymentMonth(customer_id=r["customer_id"], month=r["m"].date() if hasattr(r["m"], "date") else r["m"], total=r["total"], count=r["n"])
        for r in rows
    ]
    CustomerPaymentMonth.objects.bulk_create(objs, batch_size=5000)
    return len(objs)
