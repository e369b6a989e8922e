import datetime as dt

from ninja import Schema
from pydantic import Field

from leadflow.core.api import Id, Moment, Ref
from leadflow.customers.schemas import OwnerOut


class DeliverableTypeOut(Schema):
    id: int
    code: str
    name: str
    requires_file: bool


class CommitmentOut(Schema):
    id: int
    title: str
    deliverable_type: DeliverableTypeOut
    customer: Ref
    deal: Ref | None
    owner: OwnerOut
    due_at: dt.datetime
    status: str
    delivered_at: dt.datetime | None
    on_time: bool | None
    overdue: bool
    cancel_reason: str
    file_ids: list[int]
    delivery_file_ids: list[int]
    next_escalation_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_file_ids(obj) -> list[int]:
        return [f.pk for f in obj.files.all()]

    @staticmethod
    def resolve_delivery_file_ids(obj) -> list[int]:
        return [f.pk for f in obj.delivery_files.all()]


class CommitmentIn(Schema):
    deliverable_type: str = Field(description="code of the deliverable type: quote, poc_report, contract_draft, …")
    title: str = Field(min_length=1, max_length=200)
    due_at: Moment
    deal_id: Id | None = None
    customer_id: Id | None = Field(None, description="when the promise is not tied to a deal")
    owner_id: Id | None = Field(None, description="the deal owner when omitted")
    attachment_ids: list[Id] = Field(default_factory=list, max_length=20)


class CommitmentPatch(Schema):
    due_at: Moment


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class DeliverIn(Schema):
    attachment_ids: list[Id] = Field(default_factory=list, max_length=20)


class CommitmentFilters(Schema):
    status: str = ""
    owner_id: Id | None = None
    due_from: Moment | None = None
    due_to: Moment | None = None
    overdue: bool = False


class TicketOut(Schema):
    id: int
    title: str
    status: str
    department: Ref
    owner: OwnerOut | None
    commitment_id: int
    created_at: dt.datetime
    updated_at: dt.datetime


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class FulfilmentRow(Schema):
    key: str
    label: str
    due: int
    on_time: int
    late: int
    open_overdue: int
    rate: float | None


class FulfilmentOut(Schema):
    group_by: str
    start: dt.datetime
    end: dt.datetime
    total_due: int
    total_on_time: int
    rate: float | None
    rows: list[FulfilmentRow]
