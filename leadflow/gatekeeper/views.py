"""Data gatekeeper pages: the finance review queue, the data-quality page and its violation log,
the freshness board, and the rule editor with YAML export/import. Thin: parse with a form, call
one selector or service, render."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leadflow.core.errors import Conflict, LeadflowError, NotFound, ValidationFailed
from leadflow.core.exports import xlsx_response
from leadflow.core.writes import Source, WriteContext
from leadflow.gatekeeper import freshness
from leadflow.gatekeeper.forms import (
    KIND_HELP,
    FreshnessSettingsForm,
    ReviewForm,
    RuleForm,
    RuleImportForm,
    ViolationFilterForm,
    kind_label,
    source_label,
)
from leadflow.gatekeeper.models import FreshnessSettings, Rule, ViolationRecord
from leadflow.gatekeeper.reviews import (
    can_review,
    payment_approve,
    payment_reject,
    review_evidence,
    review_get,
    reviews_pending,
)
from leadflow.gatekeeper.rules import rule_save, rules_export, rules_import
from leadflow.gatekeeper.selectors import (
    OUTCOMES,
    held_reasons,
    violation_counts,
    violation_trend,
    violations_visible_to,
)
from leadflow.org.models import Role, User
from leadflow.org.visibility import sales_scope
from leadflow.web.forms import apply_errors
from leadflow.web.paging import page_of


def _ctx(request: HttpRequest) -> WriteContext:
    return WriteContext(actor=request.user, source=Source.WEB, path=request.path)


def _require_admin(request: HttpRequest) -> None:
    if not request.user.is_admin_role:
        raise PermissionDenied(_("Only an administrator can change the gatekeeper's rules."))


# --- Finance review queue ---------------------------------------------------------------------


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    if not can_review(request.user):
        raise PermissionDenied(_("Only finance can review payments."))
    page = page_of(request, reviews_pending(request.user))
    reasons = held_reasons([p.pk for p in page])
    rows = [(p, reasons.get(p.pk, []), source_label(p.source)) for p in page]
    return render(request, "gatekeeper/reviews.html", {"page_obj": page, "rows": rows})


def _review_page(request: HttpRequest, payment, *, approve_form=None, reject_form=None) -> HttpResponse:
    evidence = review_evidence(payment)
    context = {
        "payment": payment,
        "source": source_label(payment.source),
        "evidence": evidence,
        "history": [(p, source_label(p.source)) for p in evidence["history"]],
        "link_customer": sales_scope(request.user).allows_owner(payment.customer.owner_id),
        "approve_form": approve_form or ReviewForm(prefix="approve"),
        "reject_form": reject_form or ReviewForm(prefix="reject"),
    }
    failed = approve_form is not None or reject_form is not None
    return render(request, "gatekeeper/review.html", context, status=422 if failed else 200)


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, review_get(request.user, pk))


def _decide(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    payment = review_get(request.user, pk)
    prefix = "approve" if approve else "reject"
    form = ReviewForm(request.POST, prefix=prefix)
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if approve:
                payment_approve(payment=payment, ctx=_ctx(request), comment=comment)
            else:
                payment_reject(payment=payment, ctx=_ctx(request), comment=comment)
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect("quality:review", pk)
        except LeadflowError as exc:
            apply_errors(form, exc)
        else:
            values = {"amount": payment.amount, "customer": payment.customer.name}
            if approve:
                messages.success(
                    request, _("Approved ¥%(amount)s from %(customer)s: it now counts.") % values
                )
            else:
                messages.success(
                    request,
                    _("Rejected ¥%(amount)s from %(customer)s: kept for the audit, never counted.") % values,
                )
            return redirect("quality:reviews")
    return _review_page(request, payment, **{f"{prefix}_form": form})


@login_required
@require_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@login_required
@require_POST
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


# --- Data quality: the violation log ----------------------------------------------------------


def _log_url(**params: Any) -> str:
    return reverse("quality:log") + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _sees_everything(user: User) -> bool:
    return user.is_admin_role or user.role == Role.FINANCE


@login_required
@require_GET
def quality_index(request: HttpRequest) -> HttpResponse:
    """Counts of the visible findings by rep, source and rule (each linking to the log rows
    behind it), and the weekly trend of the last 12 weeks."""
    qs = violations_visible_to(request.user)
    tables = []
    for by, title, label_of in (
        ("owner", _("By rep"), lambda r: r["label"] or _("No owner")),
        ("source", _("By source"), lambda r: source_label(r["key"])),
        ("rule", _("By rule"), lambda r: r["label"]),
    ):
        rows = []
        for r in violation_counts(qs, by):
            links = {o: _log_url(**{by: r["key"], "outcome": o}) for o in OUTCOMES}
            rows.append({**r, "label": label_of(r), "url": _log_url(**{by: r["key"]}), "links": links})
        tables.append({"by": by, "title": title, "rows": rows})
    trend = violation_trend(qs)
    names = dict(ViolationRecord.Outcome.choices)
    chart = {
        "weeks": [d.strftime("%m-%d") for d in trend["weeks"]],
        "series": [
            {
                "key": o,
                "name": str(names[o]),
                "data": trend["series"][o],
                "urls": [_log_url(week=d.isoformat(), outcome=o) for d in trend["weeks"]],
            }
            for o in OUTCOMES
        ],
    }
    weeks = [
        (d, _log_url(week=d.isoformat()), [trend["series"][o][i] for o in OUTCOMES])
        for i, d in enumerate(trend["weeks"])
    ]
    context = {
        "tables": tables,
        "chart": chart,
        "weeks": weeks,
        "outcomes": [(o, names[o]) for o in OUTCOMES],
        "total": qs.count(),
    }
    return render(request, "gatekeeper/quality.html", context)


def _filtered_log(request: HttpRequest):
    qs = violations_visible_to(request.user)
    owners = User.objects.filter(pk__in=qs.exclude(owner=None).values("owner_id")).order_by("username")
    form = ViolationFilterForm(
        request.GET or None, owners=list(owners), show_no_owner=_sees_everything(request.user)
    )
    f = form.filters()
    if f.get("rule"):
        qs = qs.filter(rule_key=f["rule"])
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    if f.get("owner") == "none":
        qs = qs.filter(owner=None)
    elif f.get("owner"):
        qs = qs.filter(owner_id=int(f["owner"]))
    if f.get("outcome"):
        qs = qs.filter(outcome=f["outcome"])
    if f.get("week"):
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(f["week"], dt.time.min, tzinfo=tz)
        qs = qs.filter(at__gte=start, at__lt=start + dt.timedelta(days=7))
    return form, qs.select_related("actor", "owner", "rule").order_by("-at", "-id"), bool(f)


@login_required
@require_GET
def violation_log(request: HttpRequest) -> HttpResponse:
    form, qs, filtered = _filtered_log(request)
    if request.GET.get("export") == "xlsx":
        header = [
            _("At"),
            _("By"),
            _("Rep"),
            _("Source"),
            _("Path"),
            _("Rule"),
            _("Record"),
            _("Record id"),
            _("Field"),
            _("Value"),
            _("Severity"),
            _("Outcome"),
            _("Message"),
        ]
        rows = (
            [
                v.at,
                str(v.actor or ""),
                str(v.owner or ""),
                source_label(v.source),
                v.path,
                v.rule.name if v.rule else v.rule_key,
                v.entity,
                v.object_id,
                v.field,
                v.value,
                v.get_severity_display(),
                v.get_outcome_display(),
                v.message,
            ]
            for v in qs.iterator(chunk_size=2000)
        )
        return xlsx_response("violations.xlsx", [(_("Violation log"), header, rows)])
    page = page_of(request, qs)
    rows = [(v, source_label(v.source)) for v in page]
    return render(
        request, "gatekeeper/log.html", {"form": form, "page_obj": page, "rows": rows, "filtered": filtered}
    )


# --- Freshness board --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def freshness_board(request: HttpRequest) -> HttpResponse:
    form = None
    if request.user.is_admin_role:
        current = FreshnessSettings.current()
        form = FreshnessSettingsForm(
            request.POST or None, initial={"threshold_hours": current.threshold_hours}
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an administrator can change the freshness threshold."))
        if form.is_valid():
            try:
                freshness.freshness_settings_update(
                    threshold_hours=form.cleaned_data["threshold_hours"], ctx=_ctx(request)
                )
            except LeadflowError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Threshold saved."))
                return redirect("quality:freshness")
    rows = freshness.board(request.user)
    for row in rows:
        row["source_label"] = source_label(row["source"])
    settings = FreshnessSettings.current()
    context = {
        "rows": rows,
        "stale": sum(1 for r in rows if r["stale"]),
        "settings": settings,
        "form": form,
    }
    return render(
        request, "gatekeeper/freshness.html", context, status=422 if form is not None and form.errors else 200
    )


# --- Rules ------------------------------------------------------------------------------------


def _rules_page(
    request: HttpRequest, import_form: RuleImportForm | None = None, import_errors: list[str] | None = None
) -> HttpResponse:
    rules = [(r, kind_label(r.kind)) for r in Rule.objects.order_by("position", "id")]
    context = {
        "rules": rules,
        "import_form": import_form or RuleImportForm(),
        "import_errors": import_errors or [],
    }
    return render(request, "gatekeeper/rules.html", context, status=422 if import_form is not None else 200)


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _rules_page(request)


def _rule_form(request: HttpRequest, rule: Rule | None) -> HttpResponse:
    _require_admin(request)
    initial = RuleForm.initial_for(rule) if rule else None
    form = RuleForm(request.POST or None, initial=initial, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            saved = rule_save(data=form.service_data(), ctx=_ctx(request), rule=rule)
        except LeadflowError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Rule “%(name)s” saved. It applies from the next write.") % {"name": saved.name}
            )
            return redirect("quality:rules")
    kinds = [(code, str(label), str(text)) for code, (label, text) in KIND_HELP.items()]
    return render(
        request,
        "gatekeeper/rule_form.html",
        {"form": form, "rule": rule, "kinds": kinds},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rule = Rule.objects.filter(pk=pk).first()
    if rule is None:
        raise NotFound(_("Rule not found."))
    return _rule_form(request, rule)


@login_required
@require_GET
def rule_export(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    response = HttpResponse(rules_export(), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rules.yaml"'
    return response


_ITEM = re.compile(r"^rules\[(\d+)\]\.?(.*)$")


def _import_error(field: str, message: str) -> str:
    match = _ITEM.match(field)
    if match:
        return _("Rule %(n)d, %(field)s: %(message)s") % {
            "n": int(match.group(1)) + 1,
            "field": match.group(2) or "—",
            "message": message,
        }
    return message


@login_required
@require_POST
def rule_import(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = RuleImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _rules_page(request, import_form=form)
    try:
        counts = rules_import(
            form.cleaned_data["file"], ctx=_ctx(request), replace=form.cleaned_data["replace"]
        )
    except ValidationFailed as exc:
        errors = [exc.detail, *(_import_error(e.field, e.message) for e in exc.errors)]
        return _rules_page(request, import_form=form, import_errors=errors)
    messages.success(
        request,
        _("Rules imported: %(created)d new, %(updated)d updated, %(deactivated)d switched off.") % counts,
    )
    return redirect("quality:rules")
