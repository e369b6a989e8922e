"""List pages: Django's Paginator with settings.PAGE_SIZE rows, and htmx partial rendering."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property

from leadflow.core.api import COUNT_CAP, count_at_most


class CappedPaginator(Paginator):
    """A Paginator that counts at most ``cap`` rows. Past that, ``count`` is ``cap``, ``capped`` is
    true and the list says "1,000+"; pages past the cap are out of reach (narrow the search)."""

    def __init__(self, object_list, per_page: int, *, cap: int = COUNT_CAP, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        return count_at_most(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    def get_page(self, number) -> Page:
        """As :meth:`Paginator.get_page`, but the rows come first: a page that is not full is the
        last one, and then its rows tell the count without a COUNT query."""
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        last = 0 < len(rows) < self.per_page or (number == 1 and not rows)
        if last and bottom + len(rows) <= self.cap:
            self.__dict__["_counted"] = bottom + len(rows)
            return self._get_page(rows, number, self)
        if number > self.num_pages:  # past the end (or the cap): the last page, as get_page gives
            return super().get_page(self.num_pages)
        return self._get_page(rows, number, self)


def page_of(
    request: HttpRequest, qs: QuerySet, *, per_page: int | None = None, cap: int | None = None
) -> Page:
    """The requested page of ``qs``; a missing, non-numeric or out-of-range page number gives
    the first or last page instead of an error. With ``cap``, rows are counted only up to it
    (``page.paginator.capped`` tells when there are more)."""
    size = per_page or settings.PAGE_SIZE
    paginator = Paginator(qs, size) if cap is None else CappedPaginator(qs, size, cap=cap)
    return paginator.get_page(request.GET.get("page"))


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
