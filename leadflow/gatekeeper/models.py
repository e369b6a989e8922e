"""The data gatekeeper's data: rules an admin edits, and the log of everything they caught."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    BLOCK = "block", _("Block: refuse the write")
    CONFIRM = "confirm", _("Confirm: ask the user to confirm")
    HOLD = "hold", _("Hold: keep for review, out of every total")


class Entity(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    CONTACT = "contact", _("Contact")
    DEAL = "deal", _("Deal")
    ACTIVITY = "activity", _("Activity")
    ORDER = "order", _("Order")
    PAYMENT = "payment", _("Payment")
    COMMITMENT = "commitment", _("Commitment")


class Rule(models.Model):
    """One validation rule. ``kind`` names a small class in ``gatekeeper.kinds``; ``params`` are its
    settings (checked by that class when the rule is saved)."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    entity = models.CharField(_("record"), max_length=20, choices=Entity.choices)
    actions = models.JSONField(
        _("on"), default=list, blank=True, help_text=_("create, update, stage_change …; empty means every write")
    )
    fields = models.JSONField(_("fields"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=30)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    message_zh = models.CharField(_("message (Chinese)"), max_length=300)
    message_en = models.CharField(_("message (English)"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gatekeeper rule")
        verbose_name_plural = _("gatekeeper rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def message(self) -> str:
        if translation.get_language() == "en" and self.message_en:
            return self.message_en
        return self.message_zh or self.message_en


class ViolationRecord(models.Model):
    """Every block, confirmation and hold: who, when, which path, which rule, which value."""

    class Outcome(models.TextChoices):
        REFUSED = "refused", _("Refused")
        CONFIRMED = "confirmed", _("Confirmed by the user")
        HELD = "held", _("Held for review")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The rep whose data it is (the record's owner), for the data-quality page "by rep".
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rep"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=20)
    path = models.CharField(_("path"), max_length=200, blank=True)
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), null=True, on_delete=models.SET_NULL, related_name="records")
    rule_key = models.CharField(_("rule"), max_length=60)
    entity = models.CharField(_("record"), max_length=20)
    action = models.CharField(max_length=30)
    object_id = models.CharField(max_length=40, blank=True)
    field = models.CharField(_("field"), max_length=60)
    value = models.CharField(_("value"), max_length=200, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    message = models.CharField(_("message"), max_length=300)

    class Meta:
        verbose_name = _("rule violation")
        verbose_name_plural = _("violation log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["rule_key", "-at"], name="violation_rule_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.rule_key} {self.outcome}"


class FreshnessMark(models.Model):
    """The latest write per region × metric × source: the read model of the freshness board,
    upserted by the services on every write (so the board never scans the history)."""

    # The region's id, 0 for records whose owner has no region (kept as a plain number so that
    # the unique constraint holds on every database; NULLs would never collide).
    region_key = models.PositiveIntegerField(default=0)
    metric = models.CharField(max_length=30)
    source = models.CharField(max_length=20)
    last_at = models.DateTimeField()
    # The current stale episode: set when the mark turned red, cleared when it turns green again.
    stale_since = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region_key", "metric", "source"], name="freshness_mark_once")]

    def __str__(self) -> str:
        return f"{self.region_key} · {self.metric} · {self.source} · {self.last_at:%Y-%m-%d %H:%M}"


class FreshnessSettings(models.Model):
    """A single row: the board's threshold."""

    threshold_hours = models.PositiveIntegerField(_("stale after (working hours)"), default=4)
    work_start = models.TimeField(_("work day starts"), default="09:00")
    work_end = models.TimeField(_("work day ends"), default="18:00")

    class Meta:
        verbose_name = _("freshness settings")
        verbose_name_plural = _("freshness settings")

    def __str__(self) -> str:
        return str(_("Freshness settings"))

    @classmethod
    def current(cls) -> FreshnessSettings:
        return cls.objects.order_by("pk").first() or cls()
