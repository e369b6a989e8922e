"""Orders and payments: validated, gated, on the timeline, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leadflow.activities.models import ActivityKind
from leadflow.activities.services import activity_record
from leadflow.audit.services import audit_record
from leadflow.catalog.models import Product
from leadflow.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from leadflow.core.writes import WriteContext, snapshot, validate_instance
from leadflow.customers.models import Customer
from leadflow.gatekeeper import freshness, gate
from leadflow.orders.aggregates import add_payment
from leadflow.orders.models import Order, OrderLine, Payment
from leadflow.org.visibility import money_scope


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("Not an amount."), errors=[FieldError(field, _("Enter an amount in yuan."))]) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed(_("Not an amount."), errors=[FieldError(field, _("The amount must be above zero."))])
    return amount


def _require_visible(ctx: WriteContext, customer: Customer) -> None:
    if ctx.actor is not None and not money_scope(ctx.actor).allows_owner(customer.owner_id):
        raise Forbidden(_("You cannot record money for this customer."))


def order_create(
    *,
    customer: Customer,
    lines: list[dict[str, Any]],
    ctx: WriteContext,
    number: str = "",
    ordered_at: dt.datetime | None = None,
    deal_id: int | None = None,
    external_id: str | None = None,
) -> tuple[Order, bool]:
    """Create an order with its lines. Idempotent on (source, external_id)."""
    _require_visible(ctx, customer)
    if external_id:
        existing = Order.objects.filter(source=ctx.source, external_id=external_id).first()
        if existing:
            return existing, False
    if not lines:
        raise ValidationFailed(_("An order needs at least one line."), errors=[FieldError("lines", _("Add at least one line."))])
    products = Product.objects.in_bulk([line.get("product_id") for line in lines if line.get("product_id")])
    built: list[OrderLine] = []
    errors: list[FieldError] = []
    for i, line in enumerate(lines):
        product = products.get(line.get("product_id"))
        if product is None:
            errors.append(FieldError(f"lines[{i}].product_id", _("Unknown product.")))
            continue
        try:
            qty = _money(line.get("quantity"), f"lines[{i}].quantity")
            price = _money(line.get("unit_price", product.list_price), f"lines[{i}].unit_price")
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            continue
        built.append(OrderLine(product=product, quantity=qty, unit_price=price, amount=(qty * price).quantize(Decimal("0.01"))))
    if errors:
        raise ValidationFailed(_("Please correct the order lines."), errors=errors)
    now = timezone.now()
    order = Order(
        number=number or f"SO{now:%Y%m%d%H%M%S}{customer.pk % 1000:03d}",
        customer=customer,
        deal_id=deal_id,
        rep_id=customer.owner_id,
        ordered_at=ordered_at or now,
        total=sum((line.amount for line in built), Decimal("0")),
        source=ctx.source,
        external_id=external_id or None,
    )
    validate_instance(order)
    verdict = gate.check(gate.Write(entity="order", action="create", instance=order, ctx=ctx, extra={"lines": built}))
    try:
        with transaction.atomic():
            order.save()
            verdict.record(order)
            freshness.touch(metric="orders", source=ctx.source, owner_id=customer.owner_id)
            for line in built:
                line.order = order
            OrderLine.objects.bulk_create(built)
            audit_record(ctx=ctx, obj=order, action="create", after=snapshot(order))
            activity_record(
                customer=customer,
                kind=ActivityKind.ORDER,
                ctx=ctx,
                occurred_at=order.ordered_at,
                text=_("Order %(number)s, ¥%(total)s") % {"number": order.number, "total": order.total},
                payload={"order_id": order.pk, "number": order.number, "total": str(order.total)},
                audit=False,
            authorized=True,
            )
    except IntegrityError as exc:
        raise Conflict(_("An order with this number already exists.")) from exc
    return order, True


def payment_create(
    *,
    customer: Customer,
    amount: Any,
    received_at: dt.datetime,
    ctx: WriteContext,
    method: str = Payment.Method.TRANSFER,
    order_id: int | None = None,
    external_id: str | None = None,
) -> tuple[Payment, bool]:
    """Record a payment. The gatekeeper may hold it for finance review (status pending)."""
    _require_visible(ctx, customer)
    if external_id:
        existing = Payment.objects.filter(source=ctx.source, external_id=external_id).first()
        if existing:
            return existing, False
    payment = Payment(
        customer=customer,
        amount=_money(amount, "amount"),
        received_at=received_at,
        method=method,
        order_id=order_id,
        source=ctx.source,
        external_id=external_id or None,
    )
    validate_instance(payment)
    verdict = gate.check(gate.Write(entity="payment", action="create", instance=payment, ctx=ctx))
    if verdict.held:
        payment.review_status = Payment.Review.PENDING
    with transaction.atomic():
        payment.save()
        verdict.record(payment)
        freshness.touch(metric="payments", source=ctx.source, owner_id=customer.owner_id)
        if payment.review_status == Payment.Review.ACCEPTED:
            add_payment(payment)
        audit_record(ctx=ctx, obj=payment, action="create", after=snapshot(payment))
        activity_record(
            customer=customer,
            kind=ActivityKind.PAYMENT,
            ctx=ctx,
            occurred_at=min(received_at, timezone.now()),
            text=_("Payment received: ¥%(amount)s") % {"amount": payment.amount},
            payload={"payment_id": payment.pk, "amount": str(payment.amount), "review": payment.review_status},
            audit=False,
            authorized=True,
        )
    return payment, True
