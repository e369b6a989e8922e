import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from leadflow.core.api import Id, MoneyOrZero, Ref
from leadflow.customers.schemas import OwnerOut


class StageOut(Schema):
    id: int
    name: str
    position: int
    kind: str


class PipelineOut(Schema):
    id: int
    name: str
    industry: str
    is_default: bool
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj) -> list:
        return list(obj.stages.all())


class DealOut(Schema):
    id: int
    name: str
    customer: Ref
    owner: OwnerOut
    pipeline_id: int
    stage: StageOut
    amount: Decimal
    product_line_id: int | None
    stage_changed_at: dt.datetime
    closed_at: dt.datetime | None
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime


class DealIn(Schema):
    customer_id: Id
    name: str = Field(min_length=1, max_length=100)
    amount: MoneyOrZero = Decimal("0")
    stage_id: Id | None = Field(
        None, description="the first stage of the customer's industry pipeline when omitted"
    )
    owner_id: Id | None = Field(None, description="the customer's owner when omitted")
    product_line_id: Id | None = None
    notes: str = Field("", max_length=10_000)


class DealPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    amount: MoneyOrZero | None = None
    owner_id: Id | None = None
    product_line_id: Id | None = None
    notes: str | None = Field(None, max_length=10_000)


class StageChangeIn(Schema):
    stage_id: Id
    note: str = Field("", max_length=2_000)
    evidence_ids: list[Id] = Field(default_factory=list, max_length=50, description="attachment ids")
    expected_stage_id: Id | None = Field(
        None, description="the stage the caller last saw; 409 when the deal has moved since"
    )


class DealFilters(Schema):
    q: str = Field("", max_length=100)
    stage_id: Id | None = None
    owner_id: Id | None = None
    pipeline_id: Id | None = None
