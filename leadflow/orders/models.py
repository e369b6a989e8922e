from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leadflow.core.models import TimeStamped
from leadflow.core.writes import Source


class Order(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("order number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    deal = models.ForeignKey(
        "deals.Deal", verbose_name=_("deal"), null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sales rep"), null=True, blank=True, on_delete=models.SET_NULL
    )
    ordered_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    total = models.DecimalField(_("total (CNY)"), max_digits=14, decimal_places=2, default=0)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.WEB)
    external_id = models.CharField(_("external id"), max_length=128, null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_at", "-id"]
        indexes = [models.Index(fields=["customer", "-ordered_at"], name="order_customer_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=Q(external_id__isnull=False), name="order_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class Payment(TimeStamped):
    class Review(models.TextChoices):
        # Only ACCEPTED payments count in any total; the gatekeeper may hold one as PENDING.
        ACCEPTED = "accepted", _("Accepted")
        PENDING = "pending", _("Pending review")
        REJECTED = "rejected", _("Rejected")

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        ACCEPTANCE = "acceptance", _("Bank acceptance bill")
        CASH = "cash", _("Cash")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    received_at = models.DateTimeField(_("received at"))
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, default=Method.TRANSFER)
    review_status = models.CharField(
        _("review status"), max_length=10, choices=Review.choices, default=Review.ACCEPTED, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.CharField(max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.WEB)
    external_id = models.CharField(_("external id"), max_length=128, null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["customer", "-received_at"], name="payment_customer_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=Q(external_id__isnull=False), name="payment_unique_external_id"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"¥{self.amount} · {self.received_at:%Y-%m-%d}"


class CustomerPaymentMonth(models.Model):
    """Accepted payments per customer and month (Asia/Shanghai): the aggregate the gatekeeper's
    outlier rule reads instead of the payment history. Maintained by the payment services."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "month"], name="payment_month_once")]

    def __str__(self) -> str:
        return f"{self.customer_id} · {self.month:%Y-%m} · ¥{self.total}"
