"""REST API under /api/v1: one NinjaAPI, routers per domain app, one error format.

Errors are always JSON: ``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``
(plus ``violations`` for a data-gatekeeper refusal). Authentication: ``Authorization: Bearer
<token>`` (see ``leadflow token create``) or the browser session (with CSRF).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import APIKeyCookie, HttpBearer

from leadflow.core.errors import FieldError, LeadflowError, ValidationFailed
from leadflow.core.writes import errors_from
from leadflow.org.tokens import token_user

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
            request.api_source = "api"
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            request.api_source = "web"
            return user
        return None


class UnusableText(ValueError):
    """A string the database cannot store (a NUL character, a lone surrogate)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class NotAnObject(ValueError):
    """Every endpoint here takes a JSON object; an array or a bare value is the wrong shape."""


class NotStrictJson(ValueError):
    """``NaN``/``Infinity``: Python's json accepts them, JSON (and PostgreSQL) do not."""


def _reject_constant(name: str) -> Any:
    raise NotStrictJson(name)


def _check_text(value: Any, path: str = "") -> None:
    """Refuse strings that no column can hold, naming where they are."""
    if isinstance(value, str):
        # isprintable() is a cheap pre-check: lone surrogates are never printable.
        if "\x00" in value or (not value.isprintable() and _has_surrogate(value)):
            raise UnusableText(path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path or "body")
            key_path = f"{path}.{key}" if path else str(key)
            _check_text(item, key_path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_text(item, f"{path}[{i}]" if path else f"[{i}]")


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class StrictParser(Parser):
    """JSON bodies as RFC 8259 has them (no NaN/Infinity) and text the database can store."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body, parse_constant=_reject_constant)
        if not isinstance(data, dict):
            raise NotAnObject(type(data).__name__)
        # "confirm": true answers the data gatekeeper's "please confirm" on any write endpoint;
        # it is part of the request, not of the record (see core.api.ctx_for).
        confirm = data.pop("confirm", False)
        if not isinstance(confirm, bool):
            raise ValidationFailed(
                _("Please correct the errors below."), errors=[FieldError("confirm", _("Must be true or false."))]
            )
        request.leadflow_confirm = confirm
        _check_text(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        try:
            _check_text(result)
        except UnusableText as exc:
            raise _unusable_text(exc.field) from None
        return result


def _unusable_text(field: str) -> ValidationFailed:
    message = _("Text cannot contain NUL characters or invalid Unicode.")
    return ValidationFailed(_("Please correct the errors below."), errors=[FieldError(field, message)])


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail", "errors"],
    "properties": {
        "detail": {"type": "string", "description": "what went wrong, in the caller's language"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "description": "e.g. credit_code, lines[0].quantity, body"},
                    "message": {"type": "string"},
                },
            },
        },
        "violations": {
            "type": "array",
            "items": {"type": "object"},
            "description": "data-gatekeeper findings",
        },
    },
}
ERROR_STATUSES = {
    "400": "The body is not JSON (or has NaN/Infinity).",
    "401": "No valid token: send Authorization: Bearer <token>.",
    "403": "Allowed to see, not to do this.",
    "404": "No such record, or one the caller may not see (never told apart).",
    "409": "Conflicts with the current state (moved meanwhile, taken external id).",
    "413": "The request body is too large.",
    "422": "Invalid input; errors name the fields.",
}


class LocalTimeEncoder(NinjaJSONEncoder):
    """Date-times in the install's time zone (Asia/Shanghai: "2026-12-09T15:00:00+08:00"), the way
    the users read them; the offset keeps them unambiguous for machines. Chinese text as is."""

    def default(self, o):
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


class LeadflowAPI(NinjaAPI):
    """Documents the one error shape on every operation of the OpenAPI schema."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                writes = method in ("post", "put", "patch", "delete")
                statuses = ["401", "422"] + (["400", "403", "409", "413"] if writes else [])
                if writes or "{" in path:
                    statuses.append("404")
                responses = operation.setdefault("responses", {})
                for status in sorted(statuses):
                    responses.setdefault(status, {"description": ERROR_STATUSES[status], "content": ref})
        return schema


api = LeadflowAPI(
    title="Leadflow API",
    version="1",
    description="Customers, deals, activities, orders and payments of Leadflow. "
    "Send `Authorization: Bearer <token>`; create a token with `leadflow token create USERNAME`.",
    auth=[BearerToken(), SessionAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=StrictParser(),
    renderer=LocalTimeRenderer(),
)


def _error(
    request: HttpRequest, status: int, detail: str, errors: list | None = None, **extra
) -> HttpResponse:
    body = {"detail": detail, "errors": errors or []}
    body.update(extra)
    return api.create_response(request, body, status=status)


@api.exception_handler(LeadflowError)
def on_leadflow_error(request: HttpRequest, exc: LeadflowError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


# Pydantic's English messages → ours, through gettext. ``ctx`` values fill the placeholders.
def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_type",):
        return _("Enter text.")
    if kind == "string_too_long":
        return _("Enter at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Enter at least %(n)s characters.") % {"n": ctx.get("min_length")}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number"):
        return _("Enter a number.")
    if kind == "decimal_max_places":
        return _("Enter at most %(n)s decimal places.") % {"n": ctx.get("decimal_places")}
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return _("The number is too large.")
    if kind == "greater_than":
        return _("Enter a number greater than %(n)s.") % {"n": ctx.get("gt")}
    if kind == "greater_than_equal":
        return _("Enter a number of at least %(n)s.") % {"n": ctx.get("ge")}
    if kind in ("less_than", "less_than_equal"):
        return _("The number is too large.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "timezone_aware":
        return _("Include the time zone, e.g. 2025-03-01T09:30:00+08:00.")
    if kind.startswith("datetime") or kind.startswith("date_"):
        return _("Enter a date and time like 2025-03-01T09:30:00+08:00.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Send a JSON object here.")
    if kind in ("list_type", "set_type", "tuple_type"):
        return _("Send a list here.")
    if kind == "too_long":
        return _("Send at most %(n)s items.") % {"n": ctx.get("max_length")}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])  # our own validators' (translated) message
    return str(err.get("msg", ""))


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        # ("body", "payload", "lines", 0, "quantity") → "lines[0].quantity": drop where the value
        # came from and, for a JSON body, the view's parameter name that holds the whole body.
        loc = [str(p) for p in err.get("loc", ())]
        source = loc.pop(0) if loc else ""
        if source == "body" and loc:
            loc.pop(0)
            if not loc and err.get("type") == "missing":
                errors.append(
                    {"field": "body", "message": _("The request body is empty; send a JSON object.")}
                )
                continue
        field = ""
        for part in loc:
            field += f"[{part}]" if part.isdigit() else (f".{part}" if field else part)
        errors.append({"field": field or "body", "message": _message(err)})
    return _error(request, 422, _("Please correct the errors below."), errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Authentication required: send Authorization: Bearer <token>."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, LeadflowError):  # raised while reading the body (e.g. a bad "confirm")
        return on_leadflow_error(request, cause)
    if isinstance(cause, UnusableText):
        return on_leadflow_error(request, _unusable_text(cause.field))
    if isinstance(cause, NotAnObject):
        message = _("Send a JSON object here.")
        return _error(
            request, 422, _("Please correct the errors below."), [{"field": "body", "message": message}]
        )
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
        if isinstance(cause, NotStrictJson):
            message = _("The request body is not valid JSON: NaN and Infinity are not numbers in JSON.")
        return _error(request, 400, message, [{"field": "body", "message": message}])
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(
            request, 403, _("CSRF check failed: send the X-CSRFToken header, or use a Bearer token.")
        )
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, _("You may not do this."))


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = [e.as_dict() for e in errors_from(exc)]
    return _error(request, 422, _("Please correct the errors below."), errors)


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return _error(request, 413, _("The request body is too large."))
    return _error(request, 400, _("Bad request."))


# Safety nets: a value the database refuses is the caller's input, never a 500.
@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    return _error(request, 422, _("A number in the request is out of range."))


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    log.warning("database refused API input: %s", exc)
    return _error(request, 422, _("A value in the request cannot be stored."))


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    log.warning("integrity error on API write: %s", exc)
    return _error(request, 409, _("This conflicts with existing data; reload and try again."))


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /api/v1/: JSON, like everything else here."""
    return _error(request, 404, _("No such API endpoint."))


def register_routers() -> None:
    from leadflow.activities.api import router as activities
    from leadflow.attachments.api import router as attachments
    from leadflow.commitments.api import notifications_router as notifications
    from leadflow.commitments.api import router as commitments
    from leadflow.commitments.api import tickets_router as tickets
    from leadflow.customers.api import contacts_router as contacts
    from leadflow.customers.api import router as customers
    from leadflow.deals.api import pipelines_router as pipelines
    from leadflow.deals.api import router as deals
    from leadflow.gatekeeper.api import freshness_router, reviews_router, rules_router
    from leadflow.orders.api import router as orders

    api.add_router("/customers", customers)
    api.add_router("/contacts", contacts)
    api.add_router("/deals", deals)
    api.add_router("/pipelines", pipelines)
    api.add_router("/activities", activities)
    api.add_router("/attachments", attachments)
    api.add_router("/commitments", commitments)
    api.add_router("/tickets", tickets)
    api.add_router("/notifications", notifications)
    api.add_router("/reviews", reviews_router)
    api.add_router("/freshness", freshness_router)
    api.add_router("/rules", rules_router)
    api.add_router("/", orders)


register_routers()
