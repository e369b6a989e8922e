"""The payments page: what the user may see of the money, newest first, with review status."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from leadflow.orders.forms import PaymentFilterForm
from leadflow.orders.selectors import payments_total, payments_visible_to
from leadflow.org.visibility import sales_scope
from leadflow.web.paging import page_of, render_list


@login_required
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    form = PaymentFilterForm(request.GET or None)
    filters = form.filters()
    qs = payments_visible_to(request.user).select_related("customer", "order")
    if filters["q"]:
        qs = qs.filter(customer__name__icontains=filters["q"].strip())
    if filters["review"]:
        qs = qs.filter(review_status=filters["review"])
    if filters["method"]:
        qs = qs.filter(method=filters["method"])
    qs = qs.order_by("-received_at", "-id")
    scope = sales_scope(request.user)
    context = {
        "form": form,
        "page_obj": page_of(request, qs),
        "filtered": any(filters.values()),
        "accepted_total": payments_total(qs),
        # Finance sees payments but not the sales pipeline: no links to customer pages.
        "link_customers": scope.everything or scope.owners is not None,
    }
    return render_list(request, "orders/payments.html", "orders/_payments.html", context)
