"""The one place where the data gatekeeper checks each write.

Every service calls :func:`check` with the record as it is about to be saved, before it opens its
transaction. The active rules for the record's entity (rows an admin edits) each run their kind's
``check``; then:

1. a *block* finding, or a *confirm* finding without the user's confirmation, refuses the write:
   the refusal is logged and :class:`RuleViolation` raised — nothing is stored;
2. a *hold* finding lets the record be stored with a pending-review status that keeps it out of
   every total (the service asks ``verdict.held``);
3. the service calls ``verdict.record(instance)`` inside its transaction, which logs the confirmed
   and held findings with the saved record's id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from leadflow.core.errors import RuleViolation, Violation
from leadflow.core.writes import WriteContext
from leadflow.gatekeeper.kinds import KINDS

BLOCK, CONFIRM, HOLD = "block", "confirm", "hold"


@dataclass
class Write:
    """One write as the gate sees it."""

    entity: str  # "customer", "deal", "payment", …
    action: str  # "create", "update", "stage_change", …
    instance: models.Model
    ctx: WriteContext
    before: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. evidence attachments


@dataclass
class Verdict:
    write: Write | None = None
    violations: list[Violation] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return any(v.severity == HOLD for v in self.violations)

    def record(self, instance: models.Model | None = None) -> None:
        """Log the findings that let the write through (confirmed, held), with the record's id."""
        if self.violations and self.write is not None:
            _log(self.write, self.violations, instance=instance)


# Checks registered in code, run beside the rules (each ``check(write) -> list[Violation]``).
# Empty by default: the rules an admin edits are the gate's configuration.
CHECKS: list = []


# The active rules, per process, for a couple of seconds: a write then costs no rule query.
# Saving a rule clears this process's copy at once (signals.py); other processes pick the change
# up within GATE_RULES_CACHE_SECONDS.
_cache: dict[str, Any] = {"at": 0.0, "rules": None}


def clear_rule_cache() -> None:
    _cache["rules"] = None


def _active_rules() -> list:
    from django.conf import settings

    from leadflow.gatekeeper.models import Rule

    ttl = getattr(settings, "GATE_RULES_CACHE_SECONDS", 2.0)
    now = time.monotonic()
    if _cache["rules"] is None or now - _cache["at"] >= ttl:
        _cache["rules"] = list(Rule.objects.filter(active=True).order_by("position", "id"))
        _cache["at"] = now
    return _cache["rules"]


def rules_for(write: Write):
    return [r for r in _active_rules() if r.entity == write.entity and (not r.actions or write.action in r.actions)]


def check(write: Write) -> Verdict:
    violations: list[Violation] = []
    for rule in rules_for(write):
        kind = KINDS.get(rule.kind)
        if kind is None:
            continue
        violations.extend(kind.check(rule, write))
    for extra_check in CHECKS:
        violations.extend(extra_check(write))
    refusing = [v for v in violations if v.severity == BLOCK or (v.severity == CONFIRM and not write.ctx.confirm)]
    if refusing:
        _log(write, refusing, instance=None)
        raise RuleViolation(_("The data gatekeeper refused this change."), violations=refusing)
    return Verdict(write=write, violations=violations)


def _owner_id(instance: models.Model) -> int | None:
    for path in ("owner_id", "customer.owner_id"):
        obj: Any = instance
        for part in path.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                break
        if obj is not None:
            return obj
    return None


def _log(write: Write, violations: list[Violation], *, instance: models.Model | None) -> None:
    from leadflow.gatekeeper.models import Rule, ViolationRecord

    rules = {r.key: r for r in Rule.objects.filter(key__in={v.rule for v in violations})}
    actor = write.ctx.actor if write.ctx.actor and write.ctx.actor.pk else None
    rows = []
    for v in violations:
        if instance is None:
            outcome = ViolationRecord.Outcome.REFUSED
        elif v.severity == HOLD:
            outcome = ViolationRecord.Outcome.HELD
        else:
            outcome = ViolationRecord.Outcome.CONFIRMED
        rows.append(
            ViolationRecord(
                actor=actor,
                owner_id=_owner_id(write.instance),
                source=write.ctx.source,
                path=(write.ctx.path or "")[:200],
                rule=rules.get(v.rule),
                rule_key=v.rule,
                entity=write.entity,
                action=write.action,
                object_id=str(instance.pk) if instance is not None and instance.pk else (str(write.instance.pk or "")),
                field=v.field[:60],
                value=str(v.extra.get("value", ""))[:200],
                severity=v.severity,
                outcome=outcome,
                message=str(v.message)[:300],
            )
        )
    ViolationRecord.objects.bulk_create(rows)
