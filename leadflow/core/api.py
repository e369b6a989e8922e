"""Pieces every API router shares: pagination, the write context of a request, bounded types.

No ``from __future__ import annotations`` here or in any router module: django-ninja reads the
annotations at import time (``Query[...]``, ``Form[...]``) and string annotations break it.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import AwareDatetime, Field

from leadflow.core.errors import FieldError, NotFound, ValidationFailed
from leadflow.core.writes import Source, WriteContext

T = TypeVar("T")

# A database id: bounded so that a huge number is a validation error, not a database overflow.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Timestamps must say their time zone ("2025-03-01T09:30:00+08:00"): a bare local time is ambiguous.
Moment = AwareDatetime
# Money in yuan, with fen: positive and within the columns' 14 digits.
Money = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
MoneyOrZero = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
# Most pages of anything end long before this; a bigger number just gives an empty page.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 200


# Lists count their rows up to this many: past it the count says "at least", as counting every
# match of a broad search costs more than finding the page.
COUNT_CAP = 1_000


def count_at_most(queryset: QuerySet, limit: int) -> int:
    """``min(rows, limit + 1)``: COUNT(*) over a LIMITed subquery, so that the database stops
    after ``limit + 1`` matches. A result above ``limit`` means "more than ``limit``"."""
    if not isinstance(queryset, QuerySet):  # a list
        return min(len(queryset), limit + 1)
    return queryset.order_by().values("pk")[: limit + 1].count()


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M`` → ``{"items": [...], "count": N, "count_capped": false}``.

    ``page_size`` is capped at 200. ``count`` is the number of rows in all pages, counted up to
    1,000 (or up to the end of the requested page, when that is further): when there are more,
    ``count`` is that limit and ``count_capped`` is true ("1,000+"). A page that is not full is
    the last one, so its count needs no extra query.
    """

    class Input(Schema):
        page: int = Field(1, description="1-based page number")
        page_size: int = Field(settings.PAGE_SIZE, description=f"rows per page, at most {MAX_PAGE_SIZE}")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"rows in all pages, counted up to {COUNT_CAP:,}")
        count_capped: bool = Field(
            description="true when there are more rows than count: count is then a lower bound"
        )

    def paginate_queryset(self, queryset, pagination: Input, **params) -> dict[str, Any]:
        size = max(1, min(pagination.page_size, MAX_PAGE_SIZE))
        page = max(1, min(pagination.page, MAX_PAGE))
        offset = (page - 1) * size
        items = list(queryset[offset : offset + size])
        if 0 < len(items) < size or (page == 1 and not items):
            return {"items": items, "count": offset + len(items), "count_capped": False}
        limit = max(COUNT_CAP, offset + size)
        count = count_at_most(queryset, limit)
        return {"items": items, "count": min(count, limit), "count_capped": count > limit}


def ctx_for(request: HttpRequest, source: str | None = None) -> WriteContext:
    """The write context of an API request: the caller, the path, and ``api`` for a token or
    ``web`` for the browser session (unless the endpoint takes an explicit ``source``)."""
    if source is None:
        source = Source.API if getattr(request, "api_source", "api") == "api" else Source.WEB
    confirm = bool(getattr(request, "leadflow_confirm", False)) or request.GET.get("confirm") in ("1", "true")
    return WriteContext(actor=request.user, source=source, path=request.path, confirm=confirm)


class Ref(Schema):
    """A related record, by id and name."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


def lookup(field: str, getter: Callable[..., T], *args: Any) -> T:
    """Resolve an id sent in the body through a visibility selector. Invisible and missing look
    the same (404, never 403), and the error names the field that held the id."""
    try:
        return getter(*args)
    except NotFound as exc:
        raise NotFound(exc.detail, errors=[FieldError(field, exc.detail)]) from None


def refuse_nulls(changes: dict[str, Any], fields: Iterable[str]) -> None:
    """A PATCH may not set these fields to null."""
    errors = [
        FieldError(f, _("This field cannot be null.")) for f in fields if f in changes and changes[f] is None
    ]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
