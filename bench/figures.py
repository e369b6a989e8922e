"""Benchmark figures: Leadflow's own path measured side by side with a hand-written baseline.

Each figure function runs both sides in the same process against the same rows, alternating
between them, and returns :class:`Figure` rows. ``ratio`` is always Leadflow's cost divided by the
baseline's: Leadflow time ÷ baseline time, or baseline rate ÷ Leadflow rate. 1.0 means "as fast
as hand-written SQL"; the targets (e.g. ≤ 3 for the search page) are read, never asserted.

Server time is measured around a WSGI request through Django's test ``Client`` (middleware,
authentication, visibility, pagination and JSON included; no network).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from leadflow.activities.models import Activity
from leadflow.activities.selectors import customer_timeline
from leadflow.activities.services import activity_record
from leadflow.audit.models import AuditEntry
from leadflow.core.writes import Source, WriteContext
from leadflow.customers.models import Contact, Customer
from leadflow.customers.selectors import customers_visible_to
from leadflow.demo.bulk import converter
from leadflow.org.models import ApiToken, Role, User
from leadflow.org.tokens import token_create

INGEST_PATH = "bench:ingest"
INGEST_PREFIX = "bench-"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    ratio: float
    detail: dict[str, Any] = field(default_factory=dict)  # shown in the markdown report, not in the JSON rows

    def row(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 3),
            "unit": self.unit,
            "baseline": self.baseline,
            "baseline_value": round(self.baseline_value, 3),
            "ratio": round(self.ratio, 2),
        }


def percentile(samples: list[float], p: float) -> float:
    """Linear interpolation between closest ranks; ``p`` in 0..100."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    k = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _ms(seconds: float) -> float:
    return seconds * 1000


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


# --- The API, as a client sees it ------------------------------------------------------------


class Api:
    """GET requests with a bearer token for ``user``, through the whole Django stack."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.client = Client(headers={"Authorization": f"Bearer {token_create(user=user, name='bench')}"})

    def get(self, path: str) -> Any:
        response = self.client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
        return response.json()

    def close(self) -> None:
        ApiToken.objects.filter(user=self.user, name="bench").delete()


@contextmanager
def api_for(user: User) -> Iterator[Api]:
    # The test client calls itself "testserver"; production settings would refuse that host.
    with (
        override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings(
            "ignore", message="No directory at"
        )  # whitenoise, when static files are not collected
        api = Api(user)
        try:
            yield api
        finally:
            api.close()


# --- a) customer search --------------------------------------------------------------------

CUSTOMER_COLUMNS = (
    "id name credit_code legal_representative industry phone address province city district adcode status source "
    "payment_terms first_contact_at first_visit_at last_activity_at notes created_at updated_at"
).split()


def search_queries(user: User) -> list[str]:
    """A mix of what people type: nothing (browse), words, a city, a phone prefix, a credit code, a miss."""
    visible = customers_visible_to(user)
    sample = visible.exclude(credit_code=None).order_by("id").values_list("name", "credit_code").first()
    mobile = (
        Contact.objects.filter(customer__in=visible.values("pk"))
        .exclude(mobile="")
        .order_by("id")
        .values_list("mobile", flat=True)
        .first()
    )
    queries = ["", "医疗器械", "五金", "宁波"]
    if sample:
        name, code = sample
        queries += [name[2:4], code]
    if mobile:
        queries.append(mobile[:7])
    queries.append("不存在的客户名称")
    return queries


def search_sql(user: User, q: str, limit: int) -> tuple[str, list[Any]]:
    """The one query a developer would write by hand for the search page."""
    like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    columns = ", ".join(f"c.{c}" for c in CUSTOMER_COLUMNS)
    where: list[str] = []
    params: list[Any] = []
    if user.is_admin_role:
        pass
    elif user.role == Role.DIRECTOR and user.region_id:
        where.append(
            "(c.owner_id = %s OR c.owner_id IN (SELECT u2.id FROM org_user u2 JOIN org_team t ON t.id = u2.team_id "
            "JOIN org_branch b ON b.id = t.branch_id WHERE b.region_id = %s))"
        )
        params += [user.pk, user.region_id]
    elif user.role == Role.REP:
        where.append("c.owner_id = %s")
        params.append(user.pk)
    else:
        raise ValueError(f"no hand-written search for role {user.role}")
    q = q.strip()
    if q:
        cond = [f"c.name {like} %s"]
        params.append(f"%{q}%")
        if len(q) == 18 and q.isalnum():
            cond.append("c.credit_code = %s")
            params.append(q.upper())
        digits = q.replace("-", "").replace(" ", "")
        if digits.isdigit() and len(digits) >= 4:
            cond += [
                "c.phone LIKE %s",
                "c.id IN (SELECT customer_id FROM customers_contact WHERE mobile LIKE %s)",
            ]
            params += [f"%{q}%", f"{digits}%"]
        where.append("(" + " OR ".join(cond) + ")")
    sql = (
        f"SELECT {columns}, u.id, u.username, u.display_name FROM customers_customer c "  # noqa: S608 - constants
        f"JOIN org_user u ON u.id = c.owner_id {'WHERE ' + ' AND '.join(where) if where else ''} "
        "ORDER BY c.last_activity_at DESC, c.id DESC LIMIT %s"
    )
    return sql, [*params, limit]


def _raw(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def search_figures(*, user: User, queries: list[str], repeat: int = 20, page_size: int = 50) -> list[Figure]:
    """a) The customer search API page vs the hand-written query returning the same rows."""
    from urllib.parse import urlencode

    ours: list[float] = []
    theirs: list[float] = []
    per_query: list[dict[str, Any]] = []
    with api_for(user) as api:
        for q in queries:
            path = "/api/v1/customers?" + urlencode({"q": q, "page_size": page_size})
            sql, params = search_sql(user, q, page_size)
            api_ids = [item["id"] for item in api.get(path)["items"]]  # warm-up, and the rows to match
            raw_ids = [row[0] for row in _raw(sql, params)]
            mine: list[float] = []
            base: list[float] = []
            for _ in range(repeat):
                mine.append(_timed(lambda path=path: api.get(path))[0])
                base.append(_timed(lambda sql=sql, params=params: _raw(sql, params))[0])
            ours += mine
            theirs += base
            per_query.append(
                {
                    "q": q or "(browse)",
                    "rows": len(api_ids),
                    "same_rows": api_ids == raw_ids,
                    "leadflow_ms": _ms(statistics.median(mine)),
                    "baseline_ms": _ms(statistics.median(base)),
                }
            )
    detail = {"queries": per_query, "samples": len(ours), "user": user.username}
    label = f"hand-written SQL ({len(queries)} queries × {repeat})"
    pooled = [
        _time_figure(
            f"customer search API, {page_size} rows · median",
            statistics.median(ours),
            statistics.median(theirs),
            label,
            detail,
        ),
        _time_figure(
            f"customer search API, {page_size} rows · p95",
            percentile(ours, 95),
            percentile(theirs, 95),
            label,
            detail,
        ),
    ]
    # The pooled figures mix queries that differ a hundredfold; each query's own ratio tells more.
    each = [
        Figure(
            f"  q={q['q']} ({q['rows']} rows) · median",
            q["leadflow_ms"],
            "ms",
            "hand-written SQL",
            q["baseline_ms"],
            q["leadflow_ms"] / q["baseline_ms"] if q["baseline_ms"] else math.nan,
        )
        for q in per_query
    ]
    return pooled + each


def _time_figure(name: str, ours: float, theirs: float, baseline: str, detail: dict[str, Any]) -> Figure:
    return Figure(name, _ms(ours), "ms", baseline, _ms(theirs), ours / theirs if theirs else math.nan, detail)


# --- b) the timeline -----------------------------------------------------------------------

ACTIVITY_COLUMNS = (
    "id kind occurred_at recorded_at source actor_id customer_id deal_id text payload external_id".split()
)


def timeline_figures(
    *, user: User, customer: Customer, repeat: int = 20, page_size: int = 50
) -> list[Figure]:
    """b) A customer's timeline: the API's first page and the selector's whole list, each vs its raw query."""
    total = Activity.objects.filter(customer=customer).count()
    columns = ", ".join(f"a.{c}" for c in ACTIVITY_COLUMNS)
    page_sql = (
        f"SELECT {columns} FROM activities_activity a WHERE a.customer_id = %s "  # noqa: S608 - constants
        "ORDER BY a.occurred_at DESC, a.id DESC LIMIT %s"
    )
    all_sql = (
        f"SELECT {columns}, u.username, u.display_name, d.name FROM activities_activity a "  # noqa: S608
        "LEFT JOIN org_user u ON u.id = a.actor_id LEFT JOIN deals_deal d ON d.id = a.deal_id "
        "WHERE a.customer_id = %s ORDER BY a.occurred_at DESC, a.id DESC"
    )
    path = f"/api/v1/customers/{customer.pk}/timeline?page_size={page_size}"
    page: list[float] = []
    page_raw: list[float] = []
    whole: list[float] = []
    whole_raw: list[float] = []
    with api_for(user) as api:
        body = api.get(path)
        same_page = [a["id"] for a in body["items"]] == [
            r[0] for r in _raw(page_sql, [customer.pk, page_size])
        ]
        same_all = [a.pk for a in customer_timeline(customer)] == [r[0] for r in _raw(all_sql, [customer.pk])]
        for _ in range(repeat):
            page.append(_timed(lambda: api.get(path))[0])
            page_raw.append(_timed(lambda: _raw(page_sql, [customer.pk, page_size]))[0])
            whole.append(_timed(lambda: list(customer_timeline(customer)))[0])
            whole_raw.append(_timed(lambda: _raw(all_sql, [customer.pk]))[0])
    detail = {
        "customer": customer.pk,
        "activities": total,
        "count_in_api": body.get("count"),
        "same_page": same_page,
        "same_rows": same_all,
    }
    return [
        _time_figure(
            f"timeline API, {page_size} of {total:,} · median",
            statistics.median(page),
            statistics.median(page_raw),
            "raw SQL page query",
            detail,
        ),
        _time_figure(
            f"timeline API, {page_size} of {total:,} · p95",
            percentile(page, 95),
            percentile(page_raw, 95),
            "raw SQL page query",
            detail,
        ),
        _time_figure(
            f"timeline selector, all {total:,} rows · median",
            statistics.median(whole),
            statistics.median(whole_raw),
            "raw SQL with joins",
            detail,
        ),
    ]


# --- c) ingest -----------------------------------------------------------------------------


def ingest_rows(customer: Customer, n: int) -> list[dict[str, Any]]:
    """``n`` chat messages and calls, older than the customer's newest activity (so the
    customer's ``last_activity_at`` stays as it is)."""
    newest = customer.last_activity_at or timezone.now()
    rows = []
    for i in range(n):
        chat = i % 3 != 0
        rows.append(
            {
                "kind": "chat" if chat else "call",
                "occurred_at": newest - dt.timedelta(days=1, minutes=i),
                "text": f"基准测试消息 {i}" if chat else f"基准测试通话 {i}",
                "payload": {"direction": "in" if i % 2 else "out", "n": i},
            }
        )
    return rows


def ingest_cleanup() -> int:
    """Delete what an ingest figure wrote (also after an interrupted run)."""
    ids = list(Activity.objects.filter(external_id__startswith=INGEST_PREFIX).values_list("pk", flat=True))
    AuditEntry.objects.filter(path=INGEST_PATH).delete()
    for start in range(0, len(ids), 900):
        Activity.objects.filter(pk__in=ids[start : start + 900]).delete()
    return len(ids)


def ingest_figures(*, user: User, customer: Customer, rows: int = 2000) -> list[Figure]:
    """c) Activities per second through ``activity_record`` (one transaction each, with the
    visibility check, idempotency look-up, gate, customer update and audit row) vs one raw
    bulk INSERT of the same rows."""
    ingest_cleanup()
    run = uuid.uuid4().hex[:8]
    data = ingest_rows(customer, rows)
    last_activity = customer.last_activity_at
    ctx = WriteContext(actor=user, source=Source.API, path=INGEST_PATH)

    def through_service() -> None:
        for i, row in enumerate(data):
            activity_record(customer=customer, ctx=ctx, external_id=f"{INGEST_PREFIX}svc-{run}-{i}", **row)

    fields = [
        Activity._meta.get_field(c)
        for c in (
            "kind",
            "occurred_at",
            "recorded_at",
            "source",
            "actor",
            "customer",
            "text",
            "payload",
            "external_id",
        )
    ]
    convert = [converter(f, connection) for f in fields]
    sql = (
        f"INSERT INTO activities_activity ({', '.join(f.column for f in fields)}) "  # noqa: S608 - model columns
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )

    def values(tag: str) -> list[list[Any]]:
        now = timezone.now()
        return [
            [
                c(v)
                for c, v in zip(
                    convert,
                    (
                        r["kind"],
                        r["occurred_at"],
                        now,
                        Source.API.value,
                        user.pk,
                        customer.pk,
                        r["text"],
                        r["payload"],
                        f"{INGEST_PREFIX}{tag}-{run}-{i}",
                    ),
                    strict=True,
                )
            ]
            for i, r in enumerate(data)
        ]

    def raw_bulk() -> None:
        rows = values("raw")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def raw_one_by_one() -> None:
        for row in values("one"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, row)

    try:
        service_s, _ = _timed(through_service)
        raw_s, _ = _timed(raw_bulk)
        single_s, _ = _timed(raw_one_by_one)
        stored = Activity.objects.filter(external_id__startswith=f"{INGEST_PREFIX}svc-{run}-").count()
        audited = AuditEntry.objects.filter(path=INGEST_PATH).count()
    finally:
        ingest_cleanup()
        Customer.objects.filter(pk=customer.pk).update(last_activity_at=last_activity)
    ours, bulk, single = rows / service_s, rows / raw_s, rows / single_s
    detail = {
        "rows": rows,
        "stored": stored,
        "audited": audited,
        "service_s": round(service_s, 3),
        "raw_s": round(raw_s, 3),
        "one_by_one_s": round(single_s, 3),
    }
    return [
        Figure(
            "activity ingest via activity_record",
            ours,
            "rows/s",
            "raw bulk INSERT (one transaction)",
            bulk,
            bulk / ours if ours else math.nan,
            detail,
        ),
        Figure(
            "activity ingest via activity_record",
            ours,
            "rows/s",
            "raw INSERT, one transaction per row",
            single,
            single / ours if ours else math.nan,
            detail,
        ),
    ]
