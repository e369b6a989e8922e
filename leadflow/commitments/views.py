"""Commitment pages: my promises and the overdue list, a promise's page with delivery, cancel and
reschedule, collaboration tickets, and the fulfilment report with its heat map and exports."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from leadflow.commitments import services
from leadflow.commitments.forms import (
    CancelForm,
    CommitmentFilterForm,
    CommitmentForm,
    DeliverForm,
    ReportForm,
    RescheduleForm,
    TicketCommentForm,
    TicketStatusForm,
)
from leadflow.commitments.metrics import GROUPS, fulfilment, heatmap
from leadflow.commitments.models import Commitment
from leadflow.commitments.selectors import (
    commitment_get,
    commitments_visible_to,
    ticket_get,
    tickets_visible_to,
)
from leadflow.core.errors import LeadflowError
from leadflow.core.exports import xlsx_response
from leadflow.core.writes import Source, WriteContext
from leadflow.customers.selectors import customer_get
from leadflow.deals.selectors import deal_get, deal_search
from leadflow.web.forms import apply_errors
from leadflow.web.paging import page_of
from leadflow.web.uploads import write_with_uploads


def _ctx(request: HttpRequest) -> WriteContext:
    return WriteContext(actor=request.user, source=Source.WEB, path=request.path)


def _local_day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def filtered_commitments(request: HttpRequest, form: CommitmentFilterForm):
    qs = commitments_visible_to(request.user).select_related("deliverable_type", "customer", "deal", "owner")
    f = form.filters()
    status = f.get("status")
    if status == "overdue":
        qs = qs.filter(status=Commitment.Status.OPEN, due_at__lt=timezone.now())
    elif status:
        qs = qs.filter(status=status)
    if f.get("owner"):
        qs = qs.filter(owner_id=f["owner"])
    if f.get("product_line"):
        qs = qs.filter(deal__product_line_id=f["product_line"])
    if f.get("due_from") or f.get("due_to"):
        start, end = _local_day_range(f.get("due_from") or dt.date(2000, 1, 1), f.get("due_to") or dt.date(2100, 1, 1))
        qs = qs.filter(due_at__gte=start, due_at__lt=end)
    return qs.order_by("due_at", "id")


@login_required
@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    form = CommitmentFilterForm(request.GET or None, user=request.user)
    qs = filtered_commitments(request, form)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "commitments.xlsx",
            [(_("Commitments"), _export_header(), (_export_row(c) for c in qs.iterator(chunk_size=2000)))],
        )
    page = page_of(request, qs)
    return render(request, "commitments/list.html", {"form": form, "page_obj": page, "now": timezone.now()})


def _export_header() -> list[str]:
    return [
        _("What was promised"), _("Deliverable"), _("Customer"), _("Deal"), _("Owner"), _("Due"),
        _("Status"), _("Delivered at"), _("On time"),
    ]


def _export_row(c: Commitment) -> list:
    on_time = {True: _("yes"), False: _("no"), None: ""}[c.on_time]
    return [
        c.title, c.deliverable_type.name, c.customer.name, c.deal.name if c.deal else "", str(c.owner), c.due_at,
        c.get_status_display(), c.delivered_at, on_time,
    ]


@login_required
def commitment_new(request: HttpRequest) -> HttpResponse:
    deal = customer = None
    if request.GET.get("deal", "").isdigit():
        deal = deal_get(request.user, int(request.GET["deal"]))
    elif request.GET.get("customer", "").isdigit():
        customer = customer_get(request.user, int(request.GET["customer"]))
    if deal is None and customer is None:
        # From 工作台: first pick the deal the promise belongs to (own open deals first).
        q = request.GET.get("q", "").strip()[:100]
        deals = deal_search(request.user, q=q).filter(stage__kind="open")
        if not q:
            deals = deals.filter(owner=request.user)
        return render(request, "commitments/pick_deal.html", {"page_obj": page_of(request, deals), "q": q})
    form = CommitmentForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        ctx = _ctx(request)
        target_customer = customer or deal.customer
        try:
            commitment = write_with_uploads(
                form.cleaned_data["files"],
                ctx=ctx,
                customer_id=target_customer.pk,
                write=lambda files: services.commitment_create(
                    deliverable_type=form.cleaned_data["deliverable_type"],
                    title=form.cleaned_data["title"],
                    due_at=form.cleaned_data["due_at"],
                    owner=form.cleaned_data["owner"],
                    deal=deal,
                    customer=customer,
                    files=files,
                    ctx=ctx,
                ),
            )
        except LeadflowError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Commitment recorded. You will be reminded before it is due."))
            return redirect("commitments:detail", commitment.pk)
    return render(
        request,
        "commitments/form.html",
        {"form": form, "deal": deal, "customer": customer or deal.customer},
        status=422 if request.method == "POST" else 200,
    )


def _detail(request: HttpRequest, commitment: Commitment, **forms) -> HttpResponse:
    context = {
        "c": commitment,
        "deliver_form": forms.get("deliver_form") or DeliverForm(prefix="deliver"),
        "cancel_form": forms.get("cancel_form") or CancelForm(prefix="cancel"),
        "reschedule_form": forms.get("reschedule_form")
        or RescheduleForm(prefix="reschedule", initial={"due_at": timezone.localtime(commitment.due_at).strftime("%Y-%m-%dT%H:%M")}),
        "firings": commitment.firings.order_by("fired_at"),
        "tickets": commitment.tickets.select_related("department", "owner"),
        "now": timezone.now(),
    }
    return render(request, "commitments/detail.html", context, status=422 if forms else 200)


@login_required
@require_GET
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, commitment_get(request.user, pk))


def _act(request: HttpRequest, pk: int, form_class, prefix: str, write, done: str) -> HttpResponse:
    """The three actions on a commitment's page: parse the form, call the service, show errors
    on the same page or go back to it with a message."""
    commitment = commitment_get(request.user, pk)
    form = form_class(request.POST, request.FILES, prefix=prefix)
    if form.is_valid():
        try:
            write(commitment, form.cleaned_data, _ctx(request))
        except LeadflowError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("commitments:detail", pk)
    return _detail(request, commitment, **{f"{prefix}_form": form})


@login_required
@require_POST
def commitment_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    def write(commitment: Commitment, data: dict, ctx: WriteContext) -> None:
        write_with_uploads(
            data["files"],
            ctx=ctx,
            customer_id=commitment.customer_id,
            write=lambda files: services.commitment_deliver(commitment=commitment, ctx=ctx, files=files),
        )

    return _act(request, pk, DeliverForm, "deliver", write, _("Marked as delivered."))


@login_required
@require_POST
def commitment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def write(commitment: Commitment, data: dict, ctx: WriteContext) -> None:
        services.commitment_cancel(commitment=commitment, reason=data["reason"], ctx=ctx)

    return _act(request, pk, CancelForm, "cancel", write, _("Commitment cancelled."))


@login_required
@require_POST
def commitment_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    def write(commitment: Commitment, data: dict, ctx: WriteContext) -> None:
        services.commitment_reschedule(commitment=commitment, due_at=data["due_at"], ctx=ctx)

    return _act(request, pk, RescheduleForm, "reschedule", write, _("Due time moved; reminders follow the new time."))


@login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    qs = tickets_visible_to(request.user).select_related("department", "owner", "commitment", "commitment__customer")
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    return render(request, "commitments/tickets.html", {"page_obj": page_of(request, qs.order_by("-created_at")), "status": status})


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get(request.user, pk)
    comment_form = TicketCommentForm(prefix="comment")
    status_form = TicketStatusForm(prefix="status", initial={"status": ticket.status})
    if request.method == "POST":
        ctx = _ctx(request)
        try:
            if "comment-text" in request.POST:
                comment_form = TicketCommentForm(request.POST, prefix="comment")
                if comment_form.is_valid():
                    services.ticket_comment(ticket=ticket, text=comment_form.cleaned_data["text"], ctx=ctx)
                    return redirect("commitments:ticket", pk)
            else:
                status_form = TicketStatusForm(request.POST, prefix="status")
                if status_form.is_valid():
                    services.ticket_set_status(ticket=ticket, status=status_form.cleaned_data["status"], ctx=ctx)
                    messages.success(request, _("Ticket updated."))
                    return redirect("commitments:ticket", pk)
        except LeadflowError as exc:
            apply_errors(comment_form, exc)
    return render(
        request,
        "commitments/ticket.html",
        {"ticket": ticket, "events": ticket.events.select_related("author"), "comment_form": comment_form, "status_form": status_form},
    )


GROUP_LABELS = {
    "rep": _("By rep"),
    "team": _("By team"),
    "branch": _("By branch"),
    "product_line": _("By product line"),
    "week": _("By week"),
}


def _drill_url(group_by: str, key: str, start: dt.date, end: dt.date) -> str:
    params = {"due_from": start.isoformat(), "due_to": end.isoformat()}
    if group_by == "rep" and key:
        params["owner"] = key
    elif group_by == "product_line" and key:
        params["product_line"] = key
    elif group_by == "week":
        week = dt.date.fromisoformat(key)
        params = {"due_from": max(week, start).isoformat(), "due_to": min(week + dt.timedelta(days=6), end).isoformat()}
    return reverse("commitments:list") + "?" + urlencode(params)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """On-time fulfilment by rep, team, branch, product line and week, plus the rep × product line
    heat map. Every figure links to the commitments behind it; every table exports to Excel."""
    form = ReportForm(request.GET or None)
    start, end = form.period()
    if not form.is_bound:
        form = ReportForm(initial={"date_from": start, "date_to": end})
    lo, hi = _local_day_range(start, end)
    group_by = request.GET.get("group_by", "rep")
    if group_by not in GROUPS:
        group_by = "rep"
    if request.GET.get("export") == "xlsx":
        header = [_("Group"), _("Due"), _("On time"), _("Late"), _("Open and overdue"), _("On-time rate")]
        sheets = []
        for g in GROUPS:
            g_rows = fulfilment(request.user, group_by=g, start=lo, end=hi)
            sheets.append(
                (str(GROUP_LABELS[g]), header, ([r.label, r.due, r.on_time, r.late, r.open_overdue, r.rate] for r in g_rows))
            )
        hm = heatmap(request.user, start=lo, end=hi)
        lines = [pl["name"] for pl in hm["product_lines"]]
        grid = {(c["y"], c["x"]): c["rate"] for c in hm["cells"]}
        sheets.append(
            (
                _("Heat map"),
                [_("Rep"), *lines],
                ([rep["name"], *[grid.get((y, x), "") for x in range(len(lines))]] for y, rep in enumerate(hm["reps"])),
            )
        )
        return xlsx_response(f"fulfilment-{start}-{end}.xlsx", sheets)
    rows = fulfilment(request.user, group_by=group_by, start=lo, end=hi)
    hm = heatmap(request.user, start=lo, end=hi)
    for cell in hm["cells"]:
        params = {"due_from": start.isoformat(), "due_to": end.isoformat(), "owner": cell["rep_id"]}
        if cell["product_line_id"]:
            params["product_line"] = cell["product_line_id"]
        cell["url"] = reverse("commitments:list") + "?" + urlencode(params)
    due = sum(r.due for r in rows)
    on_time = sum(r.on_time for r in rows)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "group_by": group_by,
        "groups": [(g, GROUP_LABELS[g]) for g in GROUPS],
        "rows": [(r, _drill_url(group_by, r.key, start, end)) for r in rows],
        "total_due": due,
        "total_on_time": on_time,
        "total_rate": (on_time / due) if due else None,
        "all_url": reverse("commitments:list") + "?" + urlencode({"due_from": start.isoformat(), "due_to": end.isoformat()}),
        "heatmap": hm,
        "query": urlencode({"date_from": start.isoformat(), "date_to": end.isoformat()}),
    }
    return render(request, "commitments/report.html", context)
