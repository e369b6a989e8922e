"""Commitments (承诺事项): a promise on a deal with a deliverable, a due time and files,
escalated by levels an admin edits, and collaboration tickets (协同工单) across departments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leadflow.core.models import TimeStamped


class DeliverableType(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    requires_file = models.BooleanField(_("delivery needs a file"), default=True)
    # Which department a collaboration ticket goes to when the promise is badly overdue.
    department = models.ForeignKey(
        "org.Department", verbose_name=_("ticket department"), null=True, blank=True, on_delete=models.SET_NULL
    )
    skip_non_workdays = models.BooleanField(
        _("remind on work days only"),
        default=True,
        help_text=_("Reminders that would fall on a weekend or public holiday move to the next work day."),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("deliverable type")
        verbose_name_plural = _("deliverable types")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class EscalationLevel(models.Model):
    """One step of a deliverable type's escalation policy, relative to the due time."""

    class Action(models.TextChoices):
        REMIND_OWNER = "remind_owner", _("Remind the owner")
        NOTIFY_MANAGER = "notify_manager", _("Notify the owner's manager")
        OPEN_TICKET = "open_ticket", _("Open a cross-department ticket")

    deliverable_type = models.ForeignKey(
        DeliverableType, verbose_name=_("deliverable type"), on_delete=models.CASCADE, related_name="levels"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    offset_hours = models.IntegerField(
        _("hours from due"), help_text=_("Negative: before the due time (−48 = two days before); positive: after it.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation policy")
        ordering = ["deliverable_type", "offset_hours"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable_type", "action"], name="escalation_action_once_per_type")
        ]

    def __str__(self) -> str:
        return f"{self.deliverable_type} · {self.get_action_display()} ({self.offset_hours:+d} h)"


class Commitment(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    deal = models.ForeignKey("deals.Deal", verbose_name=_("deal"), null=True, blank=True, on_delete=models.PROTECT, related_name="commitments")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="commitments"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="commitments"
    )
    deliverable_type = models.ForeignKey(
        DeliverableType, verbose_name=_("deliverable"), on_delete=models.PROTECT, related_name="commitments"
    )
    title = models.CharField(_("what was promised"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    files = models.ManyToManyField("attachments.Attachment", verbose_name=_("files"), blank=True, related_name="+")
    delivery_files = models.ManyToManyField(
        "attachments.Attachment", verbose_name=_("delivered files"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Escalation bookkeeping: each due-date change bumps the arm; the sweep reads only rows whose
    # next_escalation_at has come (indexed), so its cost follows what is due, not the table size.
    arm = models.PositiveIntegerField(default=1)
    arm_started_at = models.DateTimeField(default=timezone.now)
    next_escalation_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["next_escalation_at"], name="commitment_escalation_due", condition=Q(status="open")),
            models.Index(fields=["owner", "status", "due_at"], name="commitment_owner_due"),
            models.Index(fields=["due_at"], name="commitment_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at < timezone.now()

    @property
    def on_time(self) -> bool | None:
        if self.status != self.Status.DELIVERED or self.delivered_at is None:
            return None
        return self.delivered_at <= self.due_at


class EscalationFiring(models.Model):
    """That a level fired for one arm of a commitment. The unique constraint is what makes each
    level fire exactly once, whatever the number of workers or re-runs."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="firings")
    action = models.CharField(max_length=20, choices=EscalationLevel.Action.choices)
    arm = models.PositiveIntegerField()
    fired_at = models.DateTimeField(default=timezone.now)
    scheduled_for = models.DateTimeField()

    class Meta:
        verbose_name = _("escalation fired")
        verbose_name_plural = _("escalations fired")
        constraints = [models.UniqueConstraint(fields=["commitment", "action", "arm"], name="escalation_fires_once")]

    def __str__(self) -> str:
        return f"{self.commitment_id} · {self.action} · {self.arm}"


class Ticket(TimeStamped):
    """协同工单: cross-department help on a commitment."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    commitment = models.ForeignKey(Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT, related_name="tickets")
    department = models.ForeignKey("org.Department", verbose_name=_("department"), on_delete=models.PROTECT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ticket owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("collaboration ticket")
        verbose_name_plural = _("collaboration tickets")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class TicketEvent(models.Model):
    """The ticket's own timeline: comments and status changes."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, default="comment")  # comment | status | created
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
