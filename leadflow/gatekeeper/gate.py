"""The one place where the data gatekeeper checks each write.

Every service calls :func:`check` with the record as it is about to be saved, before anything is
written. A check returns the verdict for the write: ``ok`` lets it through; a *block* finding (or a
*confirm* finding without the user's confirmation) raises :class:`RuleViolation` and nothing is
stored; a *hold* finding lets the record be stored with a pending-review status that keeps it out
of every total.

Rule kinds are small classes registered in :data:`CHECKS`; the configurable rule rows and their
default set arrive with the gatekeeper issue. Until then only the built-in checks run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from leadflow.core.errors import RuleViolation, Violation
from leadflow.core.writes import WriteContext

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
    violations: list[Violation] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return any(v.severity == HOLD for v in self.violations)


Check = Callable[[Write], list[Violation]]
CHECKS: list[Check] = []


def register(check: Check) -> Check:
    CHECKS.append(check)
    return check


def check(write: Write) -> Verdict:
    """Run every check for ``write``; raise on block, or on confirm without confirmation."""
    violations: list[Violation] = []
    for rule in CHECKS:
        violations.extend(rule(write))
    refusing = [v for v in violations if v.severity == BLOCK or (v.severity == CONFIRM and not write.ctx.confirm)]
    if refusing:
        raise RuleViolation(_("The data gatekeeper refused this change."), violations=refusing)
    return Verdict(violations=violations)
