"""Notifications: the in-app inbox (站内信) and the outbox of outbound messages.

Every outbound message is an OutboxMessage row written in the same transaction as the change that
caused it, and delivered after commit by the worker, with retries and backoff. A message is claimed
with compare-and-set before it is sent, so several workers never send it twice.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The same event never lands twice in one inbox.
    dedupe_key = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once")]

    def __str__(self) -> str:
        return self.title


class Channel(models.Model):
    """An outbound channel of a user or a team: a DingTalk or WeCom group robot, or an email address."""

    class Kind(models.TextChoices):
        DINGTALK = "dingtalk", _("DingTalk robot")
        WECOM = "wecom", _("WeCom group robot")
        EMAIL = "email", _("Email")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.CASCADE, related_name="channels"
    )
    team = models.ForeignKey(
        "org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE, related_name="channels"
    )
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    # DingTalk signing secret (SEC…). "env:NAME" reads it from the environment variable NAME instead.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(team__isnull=False), name="channel_has_user_or_team"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"

    def resolved_secret(self) -> str:
        if self.secret.startswith("env:"):
            return os.environ.get(self.secret[4:], "")
        return self.secret


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="messages")
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [models.UniqueConstraint(fields=["channel", "dedupe_key"], name="outbox_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.channel} · {self.title}"
