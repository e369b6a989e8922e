from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from leadflow.core.errors import NotFound
from leadflow.customers.models import Customer
from leadflow.orders.models import Order, Payment
from leadflow.org.models import User
from leadflow.org.visibility import money_scope


def orders_visible_to(user: User) -> QuerySet[Order]:
    return money_scope(user).apply(Order.objects.all(), "customer__owner")


def payments_visible_to(user: User) -> QuerySet[Payment]:
    return money_scope(user).apply(Payment.objects.all(), "customer__owner")


def customer_for_money(user: User, customer_id: int) -> Customer:
    """A customer whose orders and payments ``user`` may see or record (finance included)."""
    try:
        return money_scope(user).apply(Customer.objects.all(), "owner").get(pk=customer_id)
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Customer not found.")) from None


def order_get(user: User, order_id: int) -> Order:
    try:
        return orders_visible_to(user).select_related("customer").prefetch_related("lines__product").get(pk=order_id)
    except (Order.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Order not found.")) from None


def payment_get(user: User, payment_id: int) -> Payment:
    try:
        return payments_visible_to(user).select_related("customer").get(pk=payment_id)
    except (Payment.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Payment not found.")) from None


def counted_payments(qs: QuerySet[Payment]) -> QuerySet[Payment]:
    """Only accepted payments count in any total: held and rejected ones never do."""
    return qs.filter(review_status=Payment.Review.ACCEPTED)


def payments_total(qs: QuerySet[Payment]):
    return counted_payments(qs).aggregate(total=Sum("amount"))["total"] or 0
