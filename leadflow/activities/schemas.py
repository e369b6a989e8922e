import json
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

from leadflow.activities.models import ActivityKind
from leadflow.core.api import Id, Moment
from leadflow.customers.schemas import ActivityOut  # noqa: F401  (one shape of an activity for every endpoint)

# The sources an API client may write as: the connectors. "web", "admin" and "system" are ours.
ConnectorSource = Literal["api", "erp", "dingtalk", "wecom", "import", "mobile", "ocr"]
# The touchpoints a client records directly. Orders, payments, stage changes and commitments land
# on the timeline through their own endpoints, which also write the record they are about.
TouchpointKind = Literal["visit", "call", "chat", "note", "email", "proposal", "approval"]
assert set(TouchpointKind.__args__) <= set(ActivityKind.values)
MAX_PAYLOAD_BYTES = 64 * 1024


class ActivityIn(Schema):
    customer_id: Id
    kind: TouchpointKind
    occurred_at: Moment | None = Field(None, description="when it happened, with time zone; now when omitted")
    text: str = Field("", max_length=20_000)
    payload: dict[str, Any] = Field(
        default_factory=dict, description="structured details, at most 64 KB as JSON"
    )
    deal_id: Id | None = None
    attachment_ids: list[Id] = Field(default_factory=list, max_length=50)
    external_id: str | None = Field(
        None, max_length=128, description="the item's id in its source; the same id twice is stored once"
    )
    source: ConnectorSource = Field(
        "api", description="where the item comes from; with external_id the idempotency key"
    )

    @field_validator("payload")
    @classmethod
    def payload_not_huge(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(_("The payload is larger than %(n)s KB.") % {"n": MAX_PAYLOAD_BYTES // 1024})
        return value
