from __future__ import annotations

from typing import Any

from django.db import models

from leadflow.audit.models import AuditEntry
from leadflow.core.writes import WriteContext, diff


def audit_record(
    *,
    ctx: WriteContext,
    obj: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row. Call inside the service's transaction."""
    if changes is None:
        changes = diff(before or {}, after or {})
    return AuditEntry.objects.create(
        actor=ctx.actor if ctx.actor and ctx.actor.pk else None,
        source=ctx.source,
        path=(ctx.path or "")[:200],
        action=action,
        entity=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes,
    )


def audit_for(obj: models.Model):
    return AuditEntry.objects.filter(entity=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")
