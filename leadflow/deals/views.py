"""Deal pages: list, kanban by stage, the deal page with its stage path and stage change, new deal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from leadflow.activities.selectors import customer_timeline
from leadflow.attachments.models import AttachmentKind
from leadflow.commitments.models import Commitment
from leadflow.commitments.selectors import commitments_visible_to
from leadflow.core.errors import LeadflowError
from leadflow.core.writes import Source, WriteContext
from leadflow.customers.selectors import customer_get
from leadflow.deals import services
from leadflow.deals.forms import DealFilterForm, DealForm, StageChangeForm
from leadflow.deals.models import Deal, Pipeline
from leadflow.deals.selectors import deal_get, deal_search, deals_visible_to, kanban, pipeline_for_industry
from leadflow.web.forms import apply_errors
from leadflow.web.paging import page_of, render_list
from leadflow.web.uploads import write_with_uploads


def _ctx(request: HttpRequest, *, confirm: bool = False) -> WriteContext:
    return WriteContext(actor=request.user, source=Source.WEB, path=request.path, confirm=confirm)


def _pipelines() -> list[Pipeline]:
    return list(Pipeline.objects.prefetch_related("stages"))


@login_required
@require_GET
def deal_list(request: HttpRequest) -> HttpResponse:
    form = DealFilterForm(request.GET or None, user=request.user, pipelines=_pipelines())
    args = form.search_args()
    page = page_of(request, deal_search(request.user, **args))
    context = {"form": form, "page_obj": page, "filtered": any(args.values())}
    return render_list(request, "deals/list.html", "deals/_results.html", context)


@login_required
@require_GET
def deal_kanban(request: HttpRequest) -> HttpResponse:
    """Columns by stage for one pipeline; by default the pipeline holding most of the user's deals."""
    pipelines = _pipelines()
    counts = dict(
        deals_visible_to(request.user).values("pipeline").annotate(n=Count("pk")).values_list("pipeline", "n")
    )
    by_id = {p.pk: p for p in pipelines}
    try:
        pipeline = by_id.get(int(request.GET.get("pipeline", "")))
    except ValueError:
        pipeline = None
    if pipeline is None and pipelines:
        pipeline = max(pipelines, key=lambda p: (counts.get(p.pk, 0), p.is_default, -p.pk))
    columns = kanban(request.user, pipeline) if pipeline else []
    switcher = [(p, counts.get(p.pk, 0)) for p in pipelines]
    return render(
        request,
        "deals/kanban.html",
        {"pipeline": pipeline, "columns": columns, "switcher": switcher},
    )


def _detail_context(request: HttpRequest, deal: Deal, *, stage_form: StageChangeForm | None = None) -> dict:
    stages = list(deal.pipeline.stages.all())
    current = next((i for i, s in enumerate(stages) if s.pk == deal.stage_id), 0)
    return {
        "deal": deal,
        "stages": [(s, i < current, s.pk == deal.stage_id) for i, s in enumerate(stages)],
        "stage_form": stage_form or StageChangeForm(deal=deal, prefix="stage"),
        "activities": customer_timeline(deal.customer).filter(deal=deal)[:30],
        "commitments": commitments_visible_to(request.user)
        .filter(deal=deal, status=Commitment.Status.OPEN)
        .select_related("deliverable_type")
        .order_by("due_at"),
        "deal_pk_str": str(deal.pk),
        "now": timezone.now(),
    }


@login_required
@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = deal_get(request.user, pk)
    return render(request, "deals/detail.html", _detail_context(request, deal))


@login_required
@require_POST
def deal_stage(request: HttpRequest, pk: int) -> HttpResponse:
    deal = deal_get(request.user, pk)
    form = StageChangeForm(request.POST, request.FILES, deal=deal, prefix="stage")
    if form.is_valid():
        ctx = _ctx(request, confirm=form.cleaned_data["confirm"])
        stage = form.cleaned_data["stage"]
        try:
            write_with_uploads(
                form.cleaned_data["files"],
                ctx=ctx,
                customer_id=deal.customer_id,
                kind=form.cleaned_data["evidence_kind"] or AttachmentKind.OTHER,
                write=lambda evidence: services.deal_change_stage(
                    deal=deal, stage=stage, ctx=ctx, note=form.cleaned_data["note"], evidence=evidence
                ),
            )
        except LeadflowError as exc:
            apply_errors(form, exc)
            deal = deal_get(request.user, pk)  # as stored, not as attempted
        else:
            messages.success(request, _("Moved to “%(stage)s”.") % {"stage": stage.name})
            return redirect("deals:detail", pk=deal.pk)
    return render(request, "deals/detail.html", _detail_context(request, deal, stage_form=form), status=422)


@login_required
def deal_create(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = customer_get(request.user, customer_pk)
    form = DealForm(
        request.POST or None,
        user=request.user,
        customer=customer,
        default_pipeline=pipeline_for_industry(customer.industry),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deal = services.deal_create(
                customer=customer,
                name=data["name"],
                ctx=_ctx(request, confirm=data["confirm"]),
                amount=data["amount"],
                stage=data["stage"],
                owner_id=data["owner"].pk,
                product_line_id=data["product_line"].pk if data.get("product_line") else None,
                notes=data["notes"],
            )
        except LeadflowError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Deal “%(name)s” created.") % {"name": deal.name})
            return redirect("deals:detail", pk=deal.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "deals/form.html", {"form": form, "customer": customer}, status=status)
