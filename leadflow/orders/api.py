"""Orders and payments. Who sees money is decided by ``money_scope``: finance sees its region's."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from leadflow.core.api import Id, Pagination, ctx_for, lookup
from leadflow.core.errors import Conflict, FieldError, ValidationFailed
from leadflow.deals.models import Deal
from leadflow.orders import services
from leadflow.orders.models import Order
from leadflow.orders.schemas import OrderFilters, OrderIn, OrderOut, PaymentFilters, PaymentIn, PaymentOut
from leadflow.orders.selectors import (
    customer_for_money,
    order_get,
    orders_visible_to,
    payment_get,
    payments_visible_to,
)

router = Router()


def _taken(field: str) -> Conflict:
    message = _("This external id is already used for this source.")
    return Conflict(message, errors=[FieldError(field, message)])


@router.get("/orders", response=list[OrderOut], summary="List orders", tags=["orders"])
@paginate(Pagination)
def list_orders(request: HttpRequest, filters: Query[OrderFilters]):
    qs = orders_visible_to(request.user).select_related("customer").prefetch_related("lines__product")
    if filters.customer_id:
        qs = qs.filter(customer_id=filters.customer_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q.strip():
        qs = qs.filter(number__istartswith=filters.q.strip())
    return qs.order_by("-ordered_at", "-id")


@router.post(
    "/orders",
    response={201: OrderOut, 200: OrderOut},
    summary="Create an order with its lines (idempotent on source + external_id)",
    tags=["orders"],
)
def create_order(request: HttpRequest, payload: OrderIn):
    customer = lookup("customer_id", customer_for_money, request.user, payload.customer_id)
    if payload.deal_id and not Deal.objects.filter(pk=payload.deal_id, customer=customer).exists():
        message = _("This customer has no such deal.")
        raise ValidationFailed(message, errors=[FieldError("deal_id", message)])
    lines = [line.dict(exclude_none=True) for line in payload.lines]
    order, created = services.order_create(
        customer=customer,
        lines=lines,
        ctx=ctx_for(request, source=payload.source),
        number=payload.number.strip(),
        ordered_at=payload.ordered_at,
        deal_id=payload.deal_id,
        external_id=(payload.external_id or "").strip() or None,
    )
    if not created and not orders_visible_to(request.user).filter(pk=order.pk).exists():
        raise _taken("external_id")
    return Status(201 if created else 200, order_get(request.user, order.pk))


@router.get("/orders/{order_id}", response=OrderOut, summary="Read an order", tags=["orders"])
def read_order(request: HttpRequest, order_id: Id):
    return order_get(request.user, order_id)


@router.get("/payments", response=list[PaymentOut], summary="List payments", tags=["payments"])
@paginate(Pagination)
def list_payments(request: HttpRequest, filters: Query[PaymentFilters]):
    qs = payments_visible_to(request.user).select_related("customer")
    if filters.customer_id:
        qs = qs.filter(customer_id=filters.customer_id)
    if filters.order_id:
        qs = qs.filter(order_id=filters.order_id)
    if filters.review_status:
        qs = qs.filter(review_status=filters.review_status)
    return qs.order_by("-received_at", "-id")


@router.post(
    "/payments",
    response={201: PaymentOut, 202: PaymentOut, 200: PaymentOut},
    summary="Record a payment (idempotent on source + external_id)",
    tags=["payments"],
)
def create_payment(request: HttpRequest, payload: PaymentIn):
    """The data gatekeeper may hold a payment for finance review: it is then stored with
    ``review_status: "pending"`` and counts in no total until accepted."""
    customer = lookup("customer_id", customer_for_money, request.user, payload.customer_id)
    if payload.order_id and not Order.objects.filter(pk=payload.order_id, customer=customer).exists():
        message = _("This customer has no such order.")
        raise ValidationFailed(message, errors=[FieldError("order_id", message)])
    payment, created = services.payment_create(
        customer=customer,
        amount=payload.amount,
        received_at=payload.received_at,
        ctx=ctx_for(request, source=payload.source),
        method=payload.method,
        order_id=payload.order_id,
        external_id=(payload.external_id or "").strip() or None,
    )
    if not created and not payments_visible_to(request.user).filter(pk=payment.pk).exists():
        raise _taken("external_id")
    if created and payment.review_status == payment.Review.PENDING:
        return Status(202, payment_get(request.user, payment.pk))  # held for finance review
    return Status(201 if created else 200, payment_get(request.user, payment.pk))


@router.get("/payments/{payment_id}", response=PaymentOut, summary="Read a payment", tags=["payments"])
def read_payment(request: HttpRequest, payment_id: Id):
    return payment_get(request.user, payment_id)
