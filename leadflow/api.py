"""REST API under /api/v1: one NinjaAPI, routers per domain app, one error format.

Errors are always JSON: ``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``
(plus ``violations`` for a data-gatekeeper refusal). Authentication: ``Authorization: Bearer
<token>`` (see ``leadflow token create``) or the browser session (with CSRF).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from leadflow.core.errors import LeadflowError
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


api = NinjaAPI(
    title="Leadflow API",
    version="1",
    description="Customers, deals, activities, orders and payments of Leadflow. "
    "Send `Authorization: Bearer <token>`; create a token with `leadflow token create USERNAME`.",
    auth=[BearerToken(), SessionAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, status: int, detail: str, errors: list | None = None, **extra) -> HttpResponse:
    body = {"detail": detail, "errors": errors or []}
    body.update(extra)
    return api.create_response(request, body, status=status)


@api.exception_handler(LeadflowError)
def on_leadflow_error(request: HttpRequest, exc: LeadflowError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    malformed = False
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "form", "payload", "data")]
        if err.get("type") == "json_invalid" or "JSON" in str(err.get("msg", "")) and not loc:
            malformed = True
        errors.append({"field": ".".join(loc) or "body", "message": str(err.get("msg", ""))})
    if malformed:
        return _error(request, 400, _("The request body is not valid JSON."), errors)
    return _error(request, 422, _("Please correct the errors below."), errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Authentication required: send Authorization: Bearer <token>."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


def register_routers() -> None:
    from leadflow.activities.api import router as activities
    from leadflow.customers.api import router as customers
    from leadflow.deals.api import router as deals
    from leadflow.orders.api import router as orders

    api.add_router("/customers", customers)
    api.add_router("/deals", deals)
    api.add_router("/activities", activities)
    api.add_router("/", orders)


register_routers()
