"""Customer pages: list and search, the customer page with its timeline, create/edit, contacts,
quick activities. Thin: parse with a form, call one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from leadflow.activities.selectors import customer_timeline
from leadflow.activities.services import activity_record
from leadflow.commitments.models import Commitment
from leadflow.commitments.selectors import commitments_visible_to
from leadflow.core.api import COUNT_CAP
from leadflow.core.errors import LeadflowError
from leadflow.core.writes import Source, WriteContext
from leadflow.customers import services
from leadflow.customers.forms import ActivityForm, ContactForm, CustomerFilterForm, CustomerForm
from leadflow.customers.models import Customer
from leadflow.customers.selectors import contacts_visible_to, customer_cities, customer_get, customer_search
from leadflow.deals.selectors import deals_visible_to
from leadflow.orders.selectors import orders_visible_to, payments_visible_to
from leadflow.web.forms import apply_errors
from leadflow.web.paging import page_of, render_list
from leadflow.web.uploads import write_with_uploads

TIMELINE_PAGE = 20


def _ctx(request: HttpRequest, *, confirm: bool = False) -> WriteContext:
    return WriteContext(actor=request.user, source=Source.WEB, path=request.path, confirm=confirm)


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET or None, user=request.user, cities=customer_cities(request.user))
    page = page_of(request, customer_search(request.user, **form.search_args()), cap=COUNT_CAP)
    context = {"form": form, "page_obj": page, "filtered": any(form.search_args().values())}
    return render_list(request, "customers/list.html", "customers/_results.html", context)


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(
                ctx=_ctx(request, confirm=form.cleaned_data["confirm"]), **form.service_fields()
            )
        except LeadflowError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Customer “%(name)s” created.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/form.html", {"form": form, "customer": None}, status=_status(request, form)
    )


@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get(request.user, pk)
    initial = {name: getattr(customer, name) for name in CustomerForm.FIELDS}
    initial["owner"] = customer.owner_id
    form = CustomerForm(
        request.POST or None, user=request.user, initial=initial, current_owner_id=customer.owner_id
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.service_fields().items() if _changed(getattr(customer, k), v)}
        try:
            # Work on a fresh copy: a refused change must not leak into what the page shows.
            services.customer_update(
                customer=Customer.objects.get(pk=customer.pk),
                ctx=_ctx(request, confirm=form.cleaned_data["confirm"]),
                **changes,
            )
        except LeadflowError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/form.html", {"form": form, "customer": customer}, status=_status(request, form)
    )


def _changed(old, new) -> bool:
    # datetime-local inputs carry minutes only: an untouched time must not count as a change.
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        return old.replace(second=0, microsecond=0) != new.replace(second=0, microsecond=0)
    return old != new


def _status(request: HttpRequest, form) -> int:
    """A form shown again with errors answers 422, so scripts and tests can tell it from success."""
    return 422 if request.method == "POST" and form.errors else 200


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get(request.user, pk)
    return render(request, "customers/detail.html", _detail_context(request, customer))


def _detail_context(request: HttpRequest, customer: Customer, **forms) -> dict:
    user = request.user
    timeline = page_of(request, customer_timeline(customer), per_page=TIMELINE_PAGE)
    return {
        "customer": customer,
        "contacts": contacts_visible_to(user).filter(customer=customer),
        "deals": deals_visible_to(user).filter(customer=customer).select_related("stage", "owner"),
        "orders": orders_visible_to(user).filter(customer=customer)[:3],
        "payments": payments_visible_to(user).filter(customer=customer)[:3],
        "timeline": timeline,
        "contact_form": forms.get("contact_form") or ContactForm(prefix="contact"),
        "activity_form": forms.get("activity_form") or ActivityForm(prefix="activity"),
        "open_contact_form": "contact_form" in forms,
        "commitments": commitments_visible_to(user)
        .filter(customer=customer, status=Commitment.Status.OPEN)
        .select_related("deliverable_type")
        .order_by("due_at"),
        "customer_pk_str": str(customer.pk),
        "now": timezone.now(),
    }


@login_required
@require_GET
def customer_timeline_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One more page of the timeline, for the "load more" button (htmx) or as a plain page."""
    customer = customer_get(request.user, pk)
    timeline = page_of(request, customer_timeline(customer), per_page=TIMELINE_PAGE)
    return render(request, "customers/_timeline.html", {"customer": customer, "timeline": timeline})


@login_required
@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get(request.user, pk)
    form = ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            services.contact_create(customer=customer, ctx=_ctx(request), **form.cleaned_data)
        except LeadflowError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/detail.html", _detail_context(request, customer, contact_form=form), status=422
    )


@login_required
@require_POST
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get(request.user, pk)
    form = ActivityForm(request.POST, request.FILES, prefix="activity")
    if form.is_valid():
        ctx = _ctx(request, confirm=form.cleaned_data["confirm"])
        data = form.cleaned_data
        try:
            write_with_uploads(
                data["files"],
                ctx=ctx,
                customer_id=customer.pk,
                write=lambda files: activity_record(
                    customer=customer,
                    kind=data["kind"],
                    ctx=ctx,
                    occurred_at=data["occurred_at"],
                    text=data["text"],
                    attachments=files,
                ),
            )
        except LeadflowError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Added to the timeline."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/detail.html", _detail_context(request, customer, activity_form=form), status=422
    )
