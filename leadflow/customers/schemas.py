from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from leadflow.core.api import Id, Moment


class OwnerOut(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class CustomerOut(Schema):
    id: int
    name: str
    credit_code: str | None
    legal_representative: str
    industry: str
    phone: str
    address: str
    province: str
    city: str
    district: str
    adcode: str
    status: str
    source: str
    payment_terms: str
    first_contact_at: dt.datetime | None
    first_visit_at: dt.datetime | None
    last_activity_at: dt.datetime | None
    notes: str
    owner: OwnerOut
    created_at: dt.datetime
    updated_at: dt.datetime


class CustomerIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    credit_code: str | None = None
    legal_representative: str = ""
    industry: str = "other"
    phone: str = ""
    address: str = ""
    status: str = "lead"
    source: str = "other"
    payment_terms: str = ""
    first_contact_at: Moment | None = None
    first_visit_at: Moment | None = None
    notes: str = ""
    owner_id: Id | None = None


class CustomerPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    credit_code: str | None = None
    legal_representative: str | None = None
    industry: str | None = None
    phone: str | None = None
    address: str | None = None
    status: str | None = None
    source: str | None = None
    payment_terms: str | None = None
    first_contact_at: Moment | None = None
    first_visit_at: Moment | None = None
    notes: str | None = None
    owner_id: Id | None = None


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    title: str
    mobile: str
    phone: str
    wechat: str
    email: str
    is_primary: bool
    notes: str


class ContactIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    title: str = ""
    mobile: str = ""
    phone: str = ""
    wechat: str = ""
    email: str = ""
    is_primary: bool = False
    notes: str = ""


class ContactPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=50)
    title: str | None = None
    mobile: str | None = None
    phone: str | None = None
    wechat: str | None = None
    email: str | None = None
    is_primary: bool | None = None
    notes: str | None = None


class ActivityOut(Schema):
    id: int
    kind: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    source: str
    actor_id: int | None
    customer_id: int
    deal_id: int | None
    text: str
    payload: dict
    external_id: str | None
    attachment_ids: list[int]

    @staticmethod
    def resolve_attachment_ids(obj) -> list[int]:
        return [a.pk for a in obj.attachments.all()]
