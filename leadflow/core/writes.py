"""The shared shape of every write: who writes, through which path, and the helpers services use.

Every service takes a :class:`WriteContext`. The data flows one way:
input → service → ``gatekeeper.gate.check`` → models + activity + audit (one transaction)
→ jobs after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from leadflow.core.errors import FieldError, ValidationFailed

if TYPE_CHECKING:
    from leadflow.org.models import User

log = logging.getLogger(__name__)


class Source(models.TextChoices):
    """Where a write or an activity came from. Also the key for idempotent ingest."""

    WEB = "web", _lazy("Web")
    MOBILE = "mobile", _lazy("Mobile")
    API = "api", _lazy("API")
    IMPORT = "import", _lazy("Import")
    ERP = "erp", _lazy("ERP")
    DINGTALK = "dingtalk", _lazy("DingTalk")
    WECOM = "wecom", _lazy("WeCom")
    OCR = "ocr", _lazy("OCR")
    ADMIN = "admin", _lazy("Admin")
    SYSTEM = "system", _lazy("System")


@dataclass
class WriteContext:
    """Who is writing and through which path. ``confirm`` carries the user's explicit confirmation
    of a gatekeeper "confirm" finding; ``path`` is the request path or command, for the audit."""

    actor: User | None
    source: str = Source.WEB
    path: str = ""
    confirm: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def system(cls, path: str = "system") -> WriteContext:
        return cls(actor=None, source=Source.SYSTEM, path=path)


def validate_instance(instance: models.Model, *, exclude: Iterable[str] | None = None) -> None:
    """Run model validation and raise our own :class:`ValidationFailed` with per-field errors."""
    try:
        instance.full_clean(exclude=list(exclude or []), validate_constraints=True)
    except ValidationError as exc:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors_from(exc)) from exc


def errors_from(exc: ValidationError) -> list[FieldError]:
    errors: list[FieldError] = []
    if hasattr(exc, "error_dict"):
        for name, items in exc.message_dict.items():
            for message in items:
                errors.append(FieldError("non_field" if name == "__all__" else name, message))
    else:
        errors.extend(FieldError("non_field", m) for m in exc.messages)
    return errors


def after_commit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue a background task (a django-tasks ``Task``) once the current transaction commits.

    Jobs receive ids, never model instances.
    """

    def _enqueue() -> None:
        func.enqueue(*args, **kwargs)

    transaction.on_commit(_enqueue, robust=True)


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-safe copy of the concrete field values, for audit before/after."""
    out: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        value = f.value_from_object(instance)
        if isinstance(f, models.DecimalField) and value is not None:
            # As the column stores it ("380000" → "380000.00"), so before/after compare equal values equal.
            try:
                value = f.to_python(value).quantize(Decimal(1).scaleb(-f.decimal_places))
            except (ValidationError, InvalidOperation):
                pass
        if value is None or isinstance(value, bool | int | float | str):
            out[f.name] = value
        elif hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
            out[f.name] = value.name or None
        else:
            out[f.name] = str(value)
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Only the changed keys: ``{field: [before, after]}``."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}
