"""One error hierarchy for every service. Views and the API turn these into responses."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": str(self.message)}


class LeadflowError(Exception):
    """Base of every error a service raises on purpose. ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = str(detail)
        self.errors = list(errors or [])

    def as_dict(self) -> dict:
        return {"detail": self.detail, "errors": [e.as_dict() for e in self.errors]}


class BadRequest(LeadflowError):
    status = 400


class ValidationFailed(LeadflowError):
    """Input that does not pass validation; ``errors`` name the fields."""

    status = 422


class NotFound(LeadflowError):
    """The record does not exist, or the caller may not see it (we never tell which)."""

    status = 404


class Forbidden(LeadflowError):
    status = 403


class Conflict(LeadflowError):
    status = 409


@dataclass
class Violation:
    """One data-gatekeeper finding, reported beside the field errors."""

    rule: str
    field: str
    severity: str
    message: str
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "field": self.field, "severity": self.severity, "message": str(self.message)}


class RuleViolation(ValidationFailed):
    """The data gatekeeper refused the write (block, or confirm without confirmation)."""

    def __init__(self, detail: str, *, violations: list[Violation]) -> None:
        super().__init__(detail, errors=[FieldError(v.field, v.message) for v in violations])
        self.violations = violations

    def as_dict(self) -> dict:
        data = super().as_dict()
        data["violations"] = [v.as_dict() for v in self.violations]
        return data
