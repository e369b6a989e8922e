"""Rule kinds: one small class each, with ``check(rule, write) -> list[Violation]`` and
``clean_params(params) -> dict`` (raises ValueError with a message an admin can act on).

Fields are read from the record with :func:`read_field`, which follows at most one relation
("customer.first_contact_at") over concrete model fields only — no evaluation of stored text.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from leadflow.core.errors import Violation
from leadflow.workcalendar.calendar import is_holiday, is_workday

if TYPE_CHECKING:
    from leadflow.gatekeeper.gate import Write
    from leadflow.gatekeeper.models import Rule

MISSING = object()


def read_field(instance: models.Model, path: str) -> Any:
    """The value at ``path`` ("field" or "relation.field") of a model instance, or MISSING."""
    parts = path.split(".")
    if len(parts) > 2:
        return MISSING
    obj: Any = instance
    for i, name in enumerate(parts):
        if obj is None:
            return None
        try:
            field = obj._meta.get_field(name)
        except (FieldDoesNotExist, AttributeError):
            return MISSING
        if not field.concrete:
            return MISSING
        if i < len(parts) - 1:
            if not field.is_relation or field.many_to_many:
                return MISSING
            obj = getattr(obj, name)
        else:
            return getattr(obj, field.attname)
    return MISSING


def check_field_path(model: type[models.Model], path: str) -> None:
    parts = path.split(".")
    if not 1 <= len(parts) <= 2:
        raise ValueError(_("“%(path)s”: use a field or relation.field") % {"path": path})
    current = model
    for i, name in enumerate(parts):
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            raise ValueError(_("“%(path)s”: no field “%(name)s”") % {"path": path, "name": name}) from None
        if i < len(parts) - 1:
            if not field.is_relation or field.many_to_many:
                raise ValueError(_("“%(path)s”: “%(name)s” is not a relation") % {"path": path, "name": name})
            current = field.related_model


def _display(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)[:200]


class Kind:
    code: ClassVar[str]
    label: ClassVar[str]
    needs_fields: ClassVar[int] = 1

    def clean_params(self, params: dict) -> dict:
        return {}

    def check(self, rule: Rule, write: Write) -> list[Violation]:
        raise NotImplementedError

    def violation(self, rule: Rule, field: str, value: Any) -> Violation:
        return Violation(
            rule=rule.key, field=field, severity=rule.severity, message=rule.message, extra={"value": _display(value)}
        )


class DateOrder(Kind):
    """fields[0] must be earlier than fields[1] (either may be "relation.field"). Skipped while
    either is empty."""

    code, label, needs_fields = "date_order", "date order", 2

    def clean_params(self, params: dict) -> dict:
        return {"allow_equal": bool(params.get("allow_equal", False))}

    def check(self, rule, write):
        first, second = rule.fields[0], rule.fields[1]
        a, b = read_field(write.instance, first), read_field(write.instance, second)
        if a in (None, MISSING) or b in (None, MISSING):
            return []
        bad = a > b if rule.params.get("allow_equal") else a >= b
        return [self.violation(rule, first.split(".")[-1], a)] if bad else []


class NotOnWeekend(Kind):
    """The date or time in each field may not fall on a Saturday or Sunday (unless it is a make-up
    work day); with ``holidays: true`` not on a public holiday either."""

    code, label = "not_weekend", "not on a weekend / holiday"

    def clean_params(self, params: dict) -> dict:
        return {"holidays": bool(params.get("holidays", False))}

    def check(self, rule, write):
        out = []
        for path in rule.fields:
            value = read_field(write.instance, path)
            if value in (None, MISSING):
                continue
            day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
            weekend = day.weekday() >= 5 and not is_workday(day)
            holiday = rule.params.get("holidays") and is_holiday(day)
            if weekend or holiday:
                out.append(self.violation(rule, path.split(".")[-1], value))
        return out


class StageJump(Kind):
    """Moving a deal forward more than ``max_jump`` stages at once needs an evidence file of one of
    ``evidence_kinds`` (contract_scan, email_screenshot, …). Moving to a lost stage is never a jump."""

    code, label, needs_fields = "stage_jump", "stage jump needs evidence", 0

    def clean_params(self, params: dict) -> dict:
        try:
            max_jump = int(params.get("max_jump", 2))
        except (TypeError, ValueError):
            raise ValueError(_("max_jump must be a whole number")) from None
        if max_jump < 1:
            raise ValueError(_("max_jump must be at least 1"))
        kinds = params.get("evidence_kinds", ["contract_scan", "email_screenshot"])
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise ValueError(_("evidence_kinds must be a list of attachment kinds"))
        return {"max_jump": max_jump, "evidence_kinds": kinds}

    def check(self, rule, write):
        to_stage = write.extra.get("to_stage")
        if write.action != "stage_change" or to_stage is None or to_stage.kind == "lost":
            return []
        jump = write.extra.get("jump", 0)
        if jump <= rule.params.get("max_jump", 2):
            return []
        kinds = set(rule.params.get("evidence_kinds", []))
        if any(getattr(a, "kind", "") in kinds for a in write.extra.get("evidence", [])):
            return []
        return [self.violation(rule, "stage", f"{write.extra['from_stage'].name} → {to_stage.name}")]


class Outlier(Kind):
    """A value above ``factor`` × the customer's average over the trailing ``months`` months. Reads
    the monthly aggregate (a few rows), never the payment history. Without history: ``fallback``
    is "allow", or "flag", or a number — flag when the value is above it."""

    code, label = "outlier", "outlier against the customer's history"

    def clean_params(self, params: dict) -> dict:
        try:
            factor = Decimal(str(params.get("factor", 3)))
            months = int(params.get("months", 3))
        except (InvalidOperation, TypeError, ValueError):
            raise ValueError(_("factor must be a number and months a whole number")) from None
        if factor <= 0 or not 1 <= months <= 36:
            raise ValueError(_("factor must be above 0 and months between 1 and 36"))
        fallback = params.get("fallback", "allow")
        if fallback not in ("allow", "flag"):
            try:
                fallback = str(Decimal(str(fallback)))
            except InvalidOperation:
                raise ValueError(_("fallback must be allow, flag or an amount")) from None
        return {"factor": str(factor), "months": months, "fallback": fallback}

    def check(self, rule, write):
        from leadflow.orders.aggregates import trailing_average

        path = rule.fields[0]
        value = read_field(write.instance, path)
        customer_id = getattr(write.instance, "customer_id", None)
        if value in (None, MISSING) or customer_id is None:
            return []
        when = getattr(write.instance, "received_at", None) or timezone.now()
        average = trailing_average(customer_id, when, int(rule.params.get("months", 3)))
        if average is None:
            fallback = rule.params.get("fallback", "allow")
            if fallback == "allow":
                return []
            if fallback == "flag" or Decimal(str(value)) > Decimal(fallback):
                return [self.violation(rule, path, value)]
            return []
        if Decimal(str(value)) > Decimal(rule.params.get("factor", "3")) * average:
            return [self.violation(rule, path, value)]
        return []


class Required(Kind):
    code, label = "required", "required"

    def check(self, rule, write):
        out = []
        for path in rule.fields:
            value = read_field(write.instance, path)
            if value is MISSING:
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                out.append(self.violation(rule, path.split(".")[-1], value))
        return out


class Range(Kind):
    code, label = "range", "numeric range"

    def clean_params(self, params: dict) -> dict:
        out = {}
        for key in ("min", "max"):
            if params.get(key) not in (None, ""):
                try:
                    out[key] = str(Decimal(str(params[key])))
                except InvalidOperation:
                    raise ValueError(_("%(key)s must be a number") % {"key": key}) from None
        if not out:
            raise ValueError(_("give min, max or both"))
        return out

    def check(self, rule, write):
        out = []
        for path in rule.fields:
            value = read_field(write.instance, path)
            if value in (None, MISSING):
                continue
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                continue
            low, high = rule.params.get("min"), rule.params.get("max")
            if (low is not None and number < Decimal(low)) or (high is not None and number > Decimal(high)):
                out.append(self.violation(rule, path.split(".")[-1], value))
        return out


class Format(Kind):
    code, label = "format", "format (regular expression)"
    MAX_PATTERN = 200

    def clean_params(self, params: dict) -> dict:
        pattern = str(params.get("pattern", ""))
        if not pattern or len(pattern) > self.MAX_PATTERN:
            raise ValueError(_("give a pattern of at most 200 characters"))
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(_("not a valid regular expression: %(error)s") % {"error": exc}) from None
        return {"pattern": pattern}

    def check(self, rule, write):
        pattern = re.compile(rule.params["pattern"])
        out = []
        for path in rule.fields:
            value = read_field(write.instance, path)
            if value in (None, MISSING, ""):
                continue
            if not pattern.fullmatch(str(value)[:1000]):
                out.append(self.violation(rule, path.split(".")[-1], value))
        return out


class Unique(Kind):
    code, label = "unique", "unique"

    def check(self, rule, write):
        out = []
        model = type(write.instance)
        for path in rule.fields:
            if "." in path:
                continue
            value = read_field(write.instance, path)
            if value in (None, MISSING, ""):
                continue
            others = model._default_manager.filter(**{path: value})
            if write.instance.pk:
                others = others.exclude(pk=write.instance.pk)
            if others.exists():
                out.append(self.violation(rule, path, value))
        return out


KINDS: dict[str, Kind] = {k.code: k for k in (DateOrder(), NotOnWeekend(), StageJump(), Outlier(), Required(), Range(), Format(), Unique())}
