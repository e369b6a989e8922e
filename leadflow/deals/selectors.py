from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from leadflow.core.errors import NotFound
from leadflow.deals.models import Deal, Pipeline, Stage
from leadflow.org.models import User
from leadflow.org.visibility import sales_scope


def deals_visible_to(user: User) -> QuerySet[Deal]:
    return sales_scope(user).apply(Deal.objects.all(), "owner")


def deal_get(user: User, deal_id: int) -> Deal:
    try:
        return (
            deals_visible_to(user)
            .select_related("customer", "owner", "stage", "pipeline", "product_line")
            .get(pk=deal_id)
        )
    except (Deal.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Deal not found.")) from None


def deal_search(
    user: User,
    *,
    q: str = "",
    stage_id: int | None = None,
    owner_id: int | None = None,
    pipeline_id: int | None = None,
) -> QuerySet[Deal]:
    qs = deals_visible_to(user)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(customer__name__icontains=q)
    if stage_id:
        qs = qs.filter(stage_id=stage_id)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if pipeline_id:
        qs = qs.filter(pipeline_id=pipeline_id)
    return qs.select_related("customer", "owner", "stage", "product_line").order_by("-updated_at", "-id")


def pipeline_for_industry(industry: str) -> Pipeline:
    pipeline = (
        Pipeline.objects.filter(industry=industry).first() or Pipeline.objects.filter(is_default=True).first()
    )
    if pipeline is None:
        pipeline = Pipeline.objects.order_by("pk").first()
    if pipeline is None:
        raise NotFound(_("No pipeline is configured."))
    return pipeline


def kanban(user: User, pipeline: Pipeline, *, per_stage: int = 30) -> list[tuple[Stage, list[Deal], int]]:
    """Columns of the kanban: each stage with its newest deals and its total count."""
    from django.db.models import Count

    deals = deals_visible_to(user).filter(pipeline=pipeline)
    counts = dict(deals.values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    columns = []
    for stage in pipeline.stages.all():
        items = list(
            deals.filter(stage=stage)
            .select_related("customer", "owner")
            .order_by("-stage_changed_at", "-id")[:per_stage]
        )
        columns.append((stage, items, counts.get(stage.pk, 0)))
    return columns
