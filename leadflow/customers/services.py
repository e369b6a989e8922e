"""Writes about customers and contacts: validate → gate → save + activity + audit (one transaction)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from leadflow.audit.services import audit_record
from leadflow.core.errors import FieldError, Forbidden, ValidationFailed
from leadflow.core.writes import WriteContext, snapshot, validate_instance
from leadflow.customers.address import parse_address
from leadflow.customers.models import Contact, Customer
from leadflow.customers.validators import normalize_credit_code, normalize_phone
from leadflow.gatekeeper import freshness, gate
from leadflow.org.models import User
from leadflow.org.visibility import sales_scope

CUSTOMER_FIELDS = {
    "name",
    "credit_code",
    "legal_representative",
    "industry",
    "phone",
    "address",
    "owner",
    "owner_id",
    "status",
    "source",
    "payment_terms",
    "first_contact_at",
    "first_visit_at",
    "notes",
}


def _normalize(customer: Customer) -> list[FieldError]:
    from django.core.exceptions import ValidationError

    errors: list[FieldError] = []
    customer.name = (customer.name or "").strip()
    if customer.credit_code and customer.credit_code.strip():  # blank means "not known", not a bad code
        try:
            customer.credit_code = normalize_credit_code(customer.credit_code)
        except ValidationError as exc:
            errors.append(FieldError("credit_code", exc.messages[0]))
    else:
        customer.credit_code = None
    if customer.phone:
        try:
            customer.phone = normalize_phone(customer.phone)
        except ValidationError as exc:
            errors.append(FieldError("phone", exc.messages[0]))
    return errors


def _check_owner(ctx: WriteContext, owner_id: int | None) -> None:
    if ctx.actor is None or owner_id is None:
        return
    if not sales_scope(ctx.actor).allows_owner(owner_id):
        raise ValidationFailed(
            _("You cannot assign a customer to that owner."),
            errors=[FieldError("owner", _("Choose yourself or someone in your team."))],
        )


def _save(customer: Customer, *, ctx: WriteContext, action: str, before: dict[str, Any] | None) -> Customer:
    errors = _normalize(customer)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    if before is None or before.get("address") != customer.address:
        parsed = parse_address(customer.address)
        customer.province, customer.city = parsed.province, parsed.city
        customer.district, customer.adcode = parsed.district, parsed.adcode
    validate_instance(customer)
    verdict = gate.check(gate.Write(entity="customer", action=action, instance=customer, ctx=ctx, before=before))
    try:
        with transaction.atomic():
            customer.save()
            verdict.record(customer)
            freshness.touch(metric="customers", source=ctx.source, owner_id=customer.owner_id)
            audit_record(ctx=ctx, obj=customer, action=action, before=before or {}, after=snapshot(customer))
    except IntegrityError as exc:  # a concurrent insert of the same credit code
        raise ValidationFailed(
            _("A customer with this unified social credit code already exists."),
            errors=[FieldError("credit_code", _("A customer with this unified social credit code already exists."))],
        ) from exc
    return customer


def customer_create(*, ctx: WriteContext, owner: User | None = None, **fields: Any) -> Customer:
    unknown = set(fields) - CUSTOMER_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown fields."), errors=[FieldError(f, _("Unknown field.")) for f in sorted(unknown)])
    owner = owner or fields.pop("owner", None) or ctx.actor
    fields.pop("owner", None)
    owner_id = fields.pop("owner_id", None) or (owner.pk if owner else None)
    if owner_id is None:
        raise ValidationFailed(_("A customer needs an owner."), errors=[FieldError("owner", _("This field is required."))])
    _check_owner(ctx, owner_id)
    customer = Customer(owner_id=owner_id, created_via=ctx.source, **fields)
    return _save(customer, ctx=ctx, action="create", before=None)


def customer_update(*, customer: Customer, ctx: WriteContext, **changes: Any) -> Customer:
    unknown = set(changes) - CUSTOMER_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown fields."), errors=[FieldError(f, _("Unknown field.")) for f in sorted(unknown)])
    if ctx.actor is not None and not sales_scope(ctx.actor).allows_owner(customer.owner_id):
        raise Forbidden(_("You cannot change this customer."))
    if "owner" in changes:
        owner = changes.pop("owner")
        changes["owner_id"] = owner.pk if owner else None
    if "owner_id" in changes and changes["owner_id"] != customer.owner_id:
        _check_owner(ctx, changes["owner_id"])
    before = snapshot(customer)
    for name, value in changes.items():
        setattr(customer, name, value)
    return _save(customer, ctx=ctx, action="update", before=before)


CONTACT_FIELDS = {"name", "title", "mobile", "phone", "wechat", "email", "is_primary", "notes"}


def contact_create(*, customer: Customer, ctx: WriteContext, **fields: Any) -> Contact:
    return _contact_save(Contact(customer=customer), ctx=ctx, changes=fields, action="create")


def contact_update(*, contact: Contact, ctx: WriteContext, **changes: Any) -> Contact:
    return _contact_save(contact, ctx=ctx, changes=changes, action="update")


def _contact_save(contact: Contact, *, ctx: WriteContext, changes: dict[str, Any], action: str) -> Contact:
    from django.core.exceptions import ValidationError

    unknown = set(changes) - CONTACT_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown fields."), errors=[FieldError(f, _("Unknown field.")) for f in sorted(unknown)])
    if ctx.actor is not None and not sales_scope(ctx.actor).allows_owner(contact.customer.owner_id):
        raise Forbidden(_("You cannot change this customer."))
    before = snapshot(contact) if contact.pk else {}
    for name, value in changes.items():
        setattr(contact, name, value)
    errors: list[FieldError] = []
    for name, kind in (("mobile", "mobile"), ("phone", "any")):
        value = getattr(contact, name)
        if value:
            try:
                setattr(contact, name, normalize_phone(value, kind=kind))
            except ValidationError as exc:
                errors.append(FieldError(name, exc.messages[0]))
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    validate_instance(contact)
    verdict = gate.check(gate.Write(entity="contact", action=action, instance=contact, ctx=ctx, before=before or None))
    with transaction.atomic():
        if contact.is_primary:
            Contact.objects.filter(customer=contact.customer, is_primary=True).exclude(pk=contact.pk).update(
                is_primary=False
            )
        contact.save()
        verdict.record(contact)
        audit_record(ctx=ctx, obj=contact, action=action, before=before, after=snapshot(contact))
    return contact
