"""Finance review of held payments: approve (it then counts, in the month it was received) or
reject (kept for audit, never counted). Finance and admin only; every decision audited."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from leadflow.activities.models import ActivityKind
from leadflow.activities.services import activity_record
from leadflow.audit.services import audit_record
from leadflow.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from leadflow.core.writes import WriteContext, snapshot
from leadflow.gatekeeper.models import ViolationRecord
from leadflow.notify.services import notify
from leadflow.orders.aggregates import add_payment, trailing_average
from leadflow.orders.models import Payment
from leadflow.orders.selectors import payments_visible_to
from leadflow.org.models import Role, User


def can_review(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.role == Role.FINANCE or user.is_admin_role)


def reviews_pending(user: User) -> QuerySet[Payment]:
    if not can_review(user):
        return Payment.objects.none()
    return (
        payments_visible_to(user)
        .filter(review_status=Payment.Review.PENDING)
        .select_related("customer", "customer__owner", "order")
        .order_by("received_at", "id")
    )


def review_get(user: User, pk: int) -> Payment:
    if not can_review(user):
        raise Forbidden(_("Only finance can review payments."))
    try:
        return payments_visible_to(user).select_related("customer", "customer__owner").get(pk=pk)
    except (Payment.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Payment not found.")) from None


def review_evidence(payment: Payment) -> dict:
    """What finance sees beside a held payment: the findings, the customer's recent average and
    the payment history."""
    findings = ViolationRecord.objects.filter(entity="payment", object_id=str(payment.pk)).order_by("at")
    average = trailing_average(payment.customer_id, payment.received_at, 3)
    history = (
        Payment.objects.filter(customer_id=payment.customer_id).exclude(pk=payment.pk).order_by("-received_at")[:24]
    )
    ratio = (payment.amount / average).quantize(Decimal("0.1")) if average else None
    return {"findings": findings, "average": average, "ratio": ratio, "history": history}


def _decide(*, payment: Payment, ctx: WriteContext, status: str, comment: str) -> Payment:
    if ctx.actor is None or not can_review(ctx.actor):
        raise Forbidden(_("Only finance can review payments."))
    with transaction.atomic():
        before = snapshot(payment)
        now = timezone.now()
        changed = Payment.objects.filter(pk=payment.pk, review_status=Payment.Review.PENDING).update(
            review_status=status, reviewed_by=ctx.actor, reviewed_at=now, review_comment=comment[:200], updated_at=now
        )
        if changed != 1:
            raise Conflict(_("This payment has been reviewed already."))
        payment.refresh_from_db()
        if status == Payment.Review.ACCEPTED:
            add_payment(payment)  # now it counts, in the month it was received
        audit_record(ctx=ctx, obj=payment, action="review", before=before, after=snapshot(payment))
        label = _("approved") if status == Payment.Review.ACCEPTED else _("rejected")
        activity_record(
            customer=payment.customer,
            kind=ActivityKind.PAYMENT,
            ctx=ctx,
            text=_("Finance %(decision)s the held payment of ¥%(amount)s%(comment)s")
            % {"decision": label, "amount": payment.amount, "comment": f": {comment}" if comment else ""},
            payload={"payment_id": payment.pk, "review": status},
            audit=False,
            authorized=True,
        )
        notify(
            recipient=payment.customer.owner,
            kind="payment_reviewed",
            title=_("Payment of ¥%(amount)s from %(customer)s %(decision)s by finance")
            % {"amount": payment.amount, "customer": payment.customer.name, "decision": label},
            body=comment,
            url=f"/customers/{payment.customer_id}/",
            dedupe_key=f"payment-review:{payment.pk}",
        )
    return payment


def payment_approve(*, payment: Payment, ctx: WriteContext, comment: str = "") -> Payment:
    return _decide(payment=payment, ctx=ctx, status=Payment.Review.ACCEPTED, comment=(comment or "").strip())


def payment_reject(*, payment: Payment, ctx: WriteContext, comment: str) -> Payment:
    comment = (comment or "").strip()
    if not comment:
        message = _("Say why the payment is rejected.")
        raise ValidationFailed(message, errors=[FieldError("comment", message)])
    return _decide(payment=payment, ctx=ctx, status=Payment.Review.REJECTED, comment=comment)
