import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from leadflow.core.api import Id, Pagination, ctx_for
from leadflow.core.errors import Forbidden
from leadflow.gatekeeper import freshness, reviews
from leadflow.gatekeeper.models import Rule
from leadflow.gatekeeper.rules import rules_import
from leadflow.orders.schemas import PaymentOut

reviews_router = Router(tags=["data gatekeeper"])
freshness_router = Router(tags=["data gatekeeper"])
rules_router = Router(tags=["data gatekeeper"])


class DecisionIn(Schema):
    comment: str = Field("", max_length=200)


@reviews_router.get("", response=list[PaymentOut], summary="Payments held for finance review")
@paginate(Pagination)
def list_reviews(request: HttpRequest):
    if not reviews.can_review(request.user):
        raise Forbidden(_("Only finance can review payments."))
    return reviews.reviews_pending(request.user)


@reviews_router.post("/{payment_id}/approve", response=PaymentOut, summary="Approve a held payment")
def approve(request: HttpRequest, payment_id: Id, payload: DecisionIn):
    """It then counts in every total, in the month it was received."""
    payment = reviews.review_get(request.user, payment_id)
    return reviews.payment_approve(payment=payment, ctx=ctx_for(request), comment=payload.comment)


@reviews_router.post("/{payment_id}/reject", response=PaymentOut, summary="Reject a held payment (comment required)")
def reject(request: HttpRequest, payment_id: Id, payload: DecisionIn):
    """Kept for audit, never counted."""
    payment = reviews.review_get(request.user, payment_id)
    return reviews.payment_reject(payment=payment, ctx=ctx_for(request), comment=payload.comment)


class FreshnessRow(Schema):
    region: str
    metric: str
    metric_label: str
    source: str
    last_at: dt.datetime
    age_working_hours: float
    stale: bool
    threshold_hours: int


@freshness_router.get("", response=list[FreshnessRow], summary="Latest update per metric and data source")
def read_freshness(request: HttpRequest):
    return freshness.board(request.user)


class RuleSchema(Schema):
    key: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1, max_length=100)
    entity: str
    actions: list[str] = []
    fields: list[str] = []
    kind: str
    params: dict = {}
    severity: str
    message_zh: str = Field(min_length=1, max_length=300)
    message_en: str = Field("", max_length=300)
    active: bool = True
    position: int = Field(100, ge=0, le=1_000_000)


class RuleSetIn(Schema):
    rules: list[RuleSchema]
    replace: bool = Field(False, description="switch off the rules that are not in the list")


class ImportResult(Schema):
    created: int
    updated: int
    deactivated: int


def _admin(request: HttpRequest) -> None:
    if not request.user.is_admin_role:
        raise Forbidden(_("Only an administrator can change the rules."))


@rules_router.get("", response=list[RuleSchema], summary="The gatekeeper's rules (admin)")
def list_rules(request: HttpRequest):
    _admin(request)
    return list(Rule.objects.order_by("position", "id"))


@rules_router.put("", response=ImportResult, summary="Create or update rules by key (admin); all or nothing")
def put_rules(request: HttpRequest, payload: RuleSetIn):
    _admin(request)
    import yaml

    text = yaml.safe_dump({"rules": [r.dict() for r in payload.rules]}, allow_unicode=True)
    return rules_import(text, ctx=ctx_for(request), replace=payload.replace)
