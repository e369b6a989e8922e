from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from leadflow.attachments.selectors import attachments_visible_to
from leadflow.catalog.models import ProductLine
from leadflow.core.api import Id, Pagination, ctx_for, lookup, refuse_nulls
from leadflow.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from leadflow.customers.selectors import customer_get
from leadflow.deals import services
from leadflow.deals.models import Pipeline, Stage
from leadflow.deals.schemas import DealFilters, DealIn, DealOut, DealPatch, PipelineOut, StageChangeIn
from leadflow.deals.selectors import deal_get, deal_search

router = Router(tags=["deals"])
pipelines_router = Router(tags=["deals"])


def _stage(stage_id: int) -> Stage:
    stage = Stage.objects.select_related("pipeline").filter(pk=stage_id).first()
    if stage is None:
        message = _("Unknown stage.")
        raise ValidationFailed(message, errors=[FieldError("stage_id", message)])
    return stage


def _check_product_line(product_line_id: int | None) -> None:
    if product_line_id is not None and not ProductLine.objects.filter(pk=product_line_id).exists():
        message = _("Unknown product line.")
        raise ValidationFailed(message, errors=[FieldError("product_line_id", message)])


@router.get("", response=list[DealOut], summary="List and search deals")
@paginate(Pagination)
def list_deals(request: HttpRequest, filters: Query[DealFilters]):
    return deal_search(request.user, **filters.dict()).select_related("pipeline")


@router.post("", response={201: DealOut}, summary="Open a deal")
def create_deal(request: HttpRequest, payload: DealIn):
    customer = lookup("customer_id", customer_get, request.user, payload.customer_id)
    _check_product_line(payload.product_line_id)
    deal = services.deal_create(
        customer=customer,
        name=payload.name,
        ctx=ctx_for(request),
        amount=payload.amount,
        stage=_stage(payload.stage_id) if payload.stage_id else None,
        owner_id=payload.owner_id,
        product_line_id=payload.product_line_id,
        notes=payload.notes,
    )
    return Status(201, deal_get(request.user, deal.pk))


@router.get("/{deal_id}", response=DealOut, summary="Read a deal")
def read_deal(request: HttpRequest, deal_id: Id):
    return deal_get(request.user, deal_id)


@router.patch("/{deal_id}", response=DealOut, summary="Update a deal (not its stage: see /stage)")
def update_deal(request: HttpRequest, deal_id: Id, payload: DealPatch):
    deal = deal_get(request.user, deal_id)
    changes = payload.dict(exclude_unset=True)
    refuse_nulls(changes, ("name", "amount", "owner_id", "notes"))
    _check_product_line(changes.get("product_line_id"))
    services.deal_update(deal=deal, ctx=ctx_for(request), **changes)
    return deal_get(request.user, deal_id)


@router.post("/{deal_id}/stage", response=DealOut, summary="Move a deal to another stage")
def change_stage(request: HttpRequest, deal_id: Id, payload: StageChangeIn):
    """Moves the deal; the move lands on the timeline with the note and the evidence files.
    Send ``expected_stage_id`` (the stage you saw) to get a 409 instead of overwriting a move
    someone else made meanwhile."""
    deal = deal_get(request.user, deal_id)
    if payload.expected_stage_id is not None and payload.expected_stage_id != deal.stage_id:
        raise Conflict(
            _("Someone else moved this deal meanwhile; reload and try again."),
            errors=[
                FieldError(
                    "expected_stage_id", _("The deal is now at stage %(stage)s.") % {"stage": deal.stage}
                )
            ],
        )
    stage = _stage(payload.stage_id)
    evidence = list(attachments_visible_to(request.user).filter(pk__in=payload.evidence_ids))
    if len(evidence) != len(set(payload.evidence_ids)):
        message = _("File not found.")
        raise NotFound(message, errors=[FieldError("evidence_ids", message)])
    services.deal_change_stage(
        deal=deal, stage=stage, ctx=ctx_for(request), note=payload.note, evidence=evidence
    )
    return deal_get(request.user, deal_id)


@pipelines_router.get("", response=list[PipelineOut], summary="Stage pipelines, with their stages in order")
def list_pipelines(request: HttpRequest):
    return list(Pipeline.objects.prefetch_related("stages").order_by("name"))
