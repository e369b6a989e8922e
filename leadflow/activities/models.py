"""The activity timeline: every touchpoint with a customer lands here, whatever its source."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leadflow.core.writes import Source


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    CHAT = "chat", _("Chat message")
    NOTE = "note", _("Note")
    EMAIL = "email", _("Email")
    PROPOSAL = "proposal", _("Proposal sent")
    APPROVAL = "approval", _("Approval")
    ORDER = "order", _("Order")
    PAYMENT = "payment", _("Payment")
    STAGE_CHANGE = "stage_change", _("Stage change")
    COMMITMENT = "commitment", _("Commitment")
    SYSTEM = "system", _("System")


class Activity(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.WEB)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="activities"
    )
    deal = models.ForeignKey(
        "deals.Deal", verbose_name=_("deal"), null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    text = models.TextField(_("text"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    attachments = models.ManyToManyField(
        "attachments.Attachment", verbose_name=_("attachments"), blank=True, related_name="activities"
    )
    # The id of the item in its source system, so that ingesting it twice stores it once.
    external_id = models.CharField(_("external id"), max_length=128, null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="activity_timeline"),
            models.Index(fields=["actor", "-occurred_at"], name="activity_actor_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(external_id__isnull=False),
                name="activity_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer_id} · {self.occurred_at:%Y-%m-%d}"
