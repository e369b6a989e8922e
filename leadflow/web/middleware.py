"""Web middleware: Chinese-first language choice, and service errors as proper responses."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from leadflow.core.errors import Forbidden, LeadflowError, NotFound


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """The UI speaks zh-hans unless the user picked another language (the language cookie).

    Django's own middleware would follow the browser's Accept-Language, so a sales director on an
    English laptop would get an English UI on first visit; Leadflow is Chinese-first. API clients
    (``/api/``) still get their Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            return super().process_request(request)
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None


class ServiceErrorMiddleware:
    """A service error that a view did not handle becomes its HTTP status, never a 500.

    ``NotFound`` (also: a record the user may not see) is a 404 and ``Forbidden`` a 403, with the
    site's usual error pages; any other service error is shown with its message.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(exception.detail))
        if isinstance(exception, Forbidden):
            return response_for_exception(request, PermissionDenied(exception.detail))
        if isinstance(exception, LeadflowError):
            return render(request, "web/error.html", {"error": exception}, status=exception.status)
        return None
