"""List pages: Django's Paginator with settings.PAGE_SIZE rows, and htmx partial rendering."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def page_of(request: HttpRequest, qs: QuerySet, *, per_page: int | None = None) -> Page:
    """The requested page of ``qs``; a missing, non-numeric or out-of-range page number gives
    the first or last page instead of an error."""
    return Paginator(qs, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment. History restores (back button after a cache miss) ask
    for the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_list(request: HttpRequest, template: str, fragment: str, context: dict) -> HttpResponse:
    """The full list page, or only its results fragment for htmx live search."""
    response = render(request, fragment if is_htmx(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
