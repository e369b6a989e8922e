"""Rules as data: validation of a rule row, and export/import of the rule set as YAML."""

from __future__ import annotations

import re
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from leadflow.audit.services import audit_record
from leadflow.core.errors import FieldError, ValidationFailed
from leadflow.core.writes import WriteContext, snapshot
from leadflow.gatekeeper.kinds import KINDS, check_field_path
from leadflow.gatekeeper.models import Entity, Rule, Severity


def entity_model(entity: str):
    from leadflow.activities.models import Activity
    from leadflow.commitments.models import Commitment
    from leadflow.customers.models import Contact, Customer
    from leadflow.deals.models import Deal
    from leadflow.orders.models import Order, Payment

    return {
        "customer": Customer,
        "contact": Contact,
        "deal": Deal,
        "activity": Activity,
        "order": Order,
        "payment": Payment,
        "commitment": Commitment,
    }[entity]


# Which records can be held for review: those with a review status that every total respects.
HOLDABLE = {"payment"}
FIELDS = ("key", "name", "entity", "actions", "fields", "kind", "params", "severity", "message_zh", "message_en", "active", "position")


def rule_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Check one rule's data; return it normalised or raise ValidationFailed naming the fields."""
    errors: list[FieldError] = []
    out = {k: data.get(k) for k in FIELDS if k in data}
    entity, kind_code, severity = data.get("entity"), data.get("kind"), data.get("severity")
    if entity not in Entity.values:
        errors.append(FieldError("entity", _("Unknown record type.")))
    if severity not in Severity.values:
        errors.append(FieldError("severity", _("Severity must be block, confirm or hold.")))
    elif severity == Severity.HOLD and entity not in HOLDABLE:
        errors.append(FieldError("severity", _("Only payments can be held for review.")))
    kind = KINDS.get(kind_code or "")
    if kind is None:
        errors.append(FieldError("kind", _("Unknown rule kind. Known kinds: %(kinds)s") % {"kinds": ", ".join(KINDS)}))
    fields = data.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        errors.append(FieldError("fields", _("Fields must be a list of field names.")))
        fields = []
    actions = data.get("actions") or []
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        errors.append(FieldError("actions", _("“On” must be a list such as [create, update].")))
    if kind is not None and entity in Entity.values:
        if kind.needs_fields and len(fields) < kind.needs_fields:
            errors.append(FieldError("fields", _("This kind needs %(n)d field(s).") % {"n": kind.needs_fields}))
        model = entity_model(entity)
        for path in fields:
            try:
                check_field_path(model, path)
            except ValueError as exc:
                errors.append(FieldError("fields", str(exc)))
        params = data.get("params") or {}
        if not isinstance(params, dict):
            errors.append(FieldError("params", _("Parameters must be a mapping.")))
        else:
            try:
                out["params"] = kind.clean_params(params)
            except ValueError as exc:
                errors.append(FieldError("params", str(exc)))
    if not (data.get("message_zh") or "").strip():
        errors.append(FieldError("message_zh", _("Write the message users will see.")))
    key = str(data.get("key") or "").strip()
    if not key:
        errors.append(FieldError("key", _("This field is required.")))
    elif len(key) > 60 or not re.fullmatch(r"[-a-zA-Z0-9_]+", key):
        errors.append(FieldError("key", _("Use at most 60 letters, digits, hyphens or underscores.")))
    for name, limit in (("name", 100), ("message_zh", 300), ("message_en", 300)):
        if len(str(data.get(name) or "")) > limit:
            errors.append(FieldError(name, _("At most %(n)d characters.") % {"n": limit}))
    if not str(data.get("name") or "").strip():
        errors.append(FieldError("name", _("This field is required.")))
    position = data.get("position", 100)
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= 1_000_000:
        errors.append(FieldError("position", _("The order must be a whole number from 0 to 1,000,000.")))
    if len(fields) > 10 or any(len(f) > 60 for f in fields):
        errors.append(FieldError("fields", _("At most 10 fields of at most 60 characters.")))
    if errors:
        raise ValidationFailed(_("The rule is not valid."), errors=errors)
    out["fields"], out["actions"] = fields, actions
    return out


def rules_export() -> str:
    rules = [{k: getattr(r, k) for k in FIELDS} for r in Rule.objects.order_by("position", "id")]
    return yaml.safe_dump({"rules": rules}, allow_unicode=True, sort_keys=False)


def rules_import(text: str, *, ctx: WriteContext, replace: bool = False) -> dict[str, int]:
    """Create or update rules by key from YAML. All or nothing: one bad rule refuses the file.
    With ``replace`` the rules not in the file are switched off (never deleted: the log refers to them)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationFailed(_("Not valid YAML: %(error)s") % {"error": exc}, errors=[FieldError("file", str(exc)[:300])]) from None
    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValidationFailed(_("The file must hold a list under “rules:”."), errors=[FieldError("file", _("No rules list."))])
    cleaned, errors = [], []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(FieldError(f"rules[{i}]", _("Each rule must be a mapping.")))
            continue
        try:
            cleaned.append(rule_clean(item))
        except ValidationFailed as exc:
            errors.extend(FieldError(f"rules[{i}].{e.field}", e.message) for e in exc.errors)
    if errors:
        raise ValidationFailed(_("The rule file has errors; nothing was changed."), errors=errors)
    counts = {"created": 0, "updated": 0, "deactivated": 0}
    with transaction.atomic():
        for item in cleaned:
            rule = Rule.objects.filter(key=item["key"]).first()
            before = snapshot(rule) if rule else {}
            rule = rule or Rule(key=item["key"])
            for k, v in item.items():
                setattr(rule, k, v)
            created = rule.pk is None
            rule.save()
            counts["created" if created else "updated"] += 1
            audit_record(ctx=ctx, obj=rule, action="import", before=before, after=snapshot(rule))
        if replace:
            keys = [item["key"] for item in cleaned]
            for rule in Rule.objects.exclude(key__in=keys).filter(active=True):
                rule.active = False
                rule.save(update_fields=["active", "updated_at"])
                audit_record(ctx=ctx, obj=rule, action="deactivate", changes={"active": [True, False]})
                counts["deactivated"] += 1
    return counts


def rule_save(*, data: dict[str, Any], ctx: WriteContext, rule: Rule | None = None) -> Rule:
    cleaned = rule_clean(data)
    with transaction.atomic():
        before = snapshot(rule) if rule else {}
        rule = rule or Rule()
        for k, v in cleaned.items():
            setattr(rule, k, v)
        rule.save()
        audit_record(ctx=ctx, obj=rule, action="update" if before else "create", before=before, after=snapshot(rule))
    return rule
