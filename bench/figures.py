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
from leadflow.customers.selectors import (
    credit_code_query,
    customers_visible_to,
    landline_prefix,
    phone_query,
)
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


def _geomean(values: list[float]) -> float:
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values and min(values) > 0 else math.nan


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


def _prefix_sql(column: str, prefix: str) -> tuple[str, list[Any]]:
    """``column`` starts with ``prefix``, in the form the column's index serves (see
    ``customers.selectors.starts_with``): a range on SQLite, ``LIKE 'p%'`` on PostgreSQL."""
    if connection.vendor == "sqlite":
        return f"{column} >= %s AND {column} < %s", [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)]
    return f"{column} LIKE %s", [prefix + "%"]  # digits and dashes: nothing to escape


def search_sql(user: User, q: str, limit: int) -> tuple[str, list[Any]]:
    """The one query a developer would write by hand for the search page: a whole credit code is
    an exact look-up, a phone number a prefix look-up of the customer's phone and the contacts'
    mobiles (both indexed), anything else a name search (on PostgreSQL in the form the trigram
    index of migration customers 0003 serves). The query is read as ``customer_search`` reads it."""
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
        if code := credit_code_query(q):
            where.append("c.credit_code = %s")
            params.append(code)
        elif digits := phone_query(q):
            phone, phone_params = _prefix_sql("phone", landline_prefix(digits))
            ids = f"SELECT id FROM customers_customer WHERE {phone}"  # noqa: S608 - constants
            params += phone_params
            if digits.startswith("1"):
                mobile, mobile_params = _prefix_sql("mobile", digits)
                ids += f" UNION SELECT customer_id FROM customers_contact WHERE {mobile}"  # noqa: S608
                params += mobile_params
            where.append(f"c.id IN ({ids})")
        elif connection.vendor == "postgresql":
            where.append("UPPER(c.name::text) LIKE UPPER(%s)")
            params.append(f"%{q}%")
        else:
            where.append("c.name LIKE %s")
            params.append(f"%{q}%")
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
    # The pooled median compares the middle of two mixed distributions: when most queries are
    # sub-millisecond look-ups by hand, Leadflow's fixed cost per request (auth, middleware, JSON)
    # dominates it. The geometric mean of the per-query medians weighs every query alike.
    pooled.append(
        Figure(
            f"customer search API, {page_size} rows · geometric mean of per-query medians",
            _geomean([q["leadflow_ms"] for q in per_query]),
            "ms",
            label,
            _geomean([q["baseline_ms"] for q in per_query]),
            _geomean([q["leadflow_ms"] for q in per_query]) / _geomean([q["baseline_ms"] for q in per_query]),
            detail,
        )
    )
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


# --- d) the commitments sweep: its cost follows what is due, not the table ------------------------

SWEEP_TYPE = "bench-sweep"  # the deliverable type of the bench's own commitments
# The sweep runs "as of" a fixed moment long before any real data, so that only the bench's own
# rows are due, whatever else the database holds.
SWEEP_NOW = dt.datetime(2001, 3, 1, 2, 0, tzinfo=dt.UTC)
SWEEP_CHUNK = 50_000


def _sweep_type():
    from leadflow.commitments.models import DeliverableType, EscalationLevel

    kind, created = DeliverableType.objects.get_or_create(
        code=SWEEP_TYPE,
        defaults={"name": "基准测试交付物 (bench)", "active": False, "skip_non_workdays": False},
    )
    if created:
        for action, hours in (("remind_owner", -48), ("notify_manager", 0), ("open_ticket", 72)):
            EscalationLevel.objects.create(deliverable_type=kind, action=action, offset_hours=hours)
    return kind


def sweep_cleanup() -> int:
    """Delete the bench's commitments and their deliverable type (also after an interrupted run).
    Plain SQL: the sweeps that fired on them were rolled back, so nothing points at them."""
    from leadflow.commitments.models import Commitment, DeliverableType

    kind = DeliverableType.objects.filter(code=SWEEP_TYPE).first()
    if kind is None:
        return 0
    table = connection.ops.quote_name(Commitment._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE deliverable_type_id = %s", [kind.pk])  # noqa: S608
        deleted = cursor.rowcount
    kind.delete()  # and its escalation levels
    return deleted


def _commitment_rows(
    kind, ids, owners: list[tuple[int, int]], *, due: bool, start: int, n: int
) -> Iterator[dict]:
    """``n`` open commitments. Due ones: due in 24 h, so the 48-h reminder (and only it) has come;
    the others are due months later, their first level still ahead."""
    from leadflow.commitments.models import Commitment

    created = SWEEP_NOW - dt.timedelta(days=30)
    for i in range(start, start + n):
        customer_id, owner_id = owners[i % len(owners)]
        due_at = SWEEP_NOW + (dt.timedelta(hours=24) if due else dt.timedelta(days=60, seconds=i))
        yield {
            "id": ids.take(Commitment),
            "created_at": created,
            "updated_at": created,
            "deal_id": None,
            "customer_id": customer_id,
            "owner_id": owner_id,
            "deliverable_type_id": kind.pk,
            "title": f"基准测试承诺 {i}",
            "due_at": due_at,
            "status": "open",
            "delivered_at": None,
            "cancel_reason": "",
            "created_by_id": owner_id,
            "arm": 1,
            "arm_started_at": created,
            "next_escalation_at": due_at - dt.timedelta(hours=48),
        }


def _add_commitments(kind, ids, owners, *, due: bool, start: int, n: int) -> None:
    from leadflow.commitments.models import Commitment
    from leadflow.demo.bulk import insert_rows

    rows = _commitment_rows(kind, ids, owners, due=due, start=start, n=n)
    done = 0
    while done < n:
        chunk = [next(rows) for _ in range(min(SWEEP_CHUNK, n - done))]
        with transaction.atomic():
            insert_rows(Commitment, chunk)
        done += len(chunk)


def _analyze(model) -> None:
    """PostgreSQL: fresh planner statistics for a table that just grew (as autovacuum would)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _vacuum(model) -> None:
    """PostgreSQL: reclaim deleted rows, so that a table that shrank is small again on disk (as
    autovacuum would make it). SQLite frees the pages of deleted rows at once."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    else:
        _analyze(model)


def _rolled_back(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Time ``fn`` inside a transaction that is then rolled back: the database is as before."""
    with transaction.atomic():
        seconds, result = _timed(fn)
        transaction.set_rollback(True)
    return seconds, result


def sweep_figures(
    *, total: int = 1_000_000, small: int = 10_000, due: int = 1_000, repeat: int = 5
) -> list[Figure]:
    """d) ``commitments.sweeps.escalate(now)`` over ``total`` commitments of which ``due`` are due,
    against the same sweep over ``small`` of which the same ``due`` are due.

    1. The bench's commitments are bulk-inserted: the ``due`` ones first, then the rest of
       ``small``. The sweep is timed ``repeat`` times (after one warm-up), each run in a
       transaction rolled back afterwards, so that every run fires the same reminders.
    2. The table grows to ``total`` rows; the sweep is timed again.
    3. The rows added in 2 are deleted and the small table timed once more: the large runs sit
       between two batches of small ones, so a machine that slows down or speeds up meanwhile
       weighs on both sides alike.
    4. The bench's commitments are deleted: the database is as it was.
    """
    from leadflow.commitments.models import Commitment
    from leadflow.commitments.sweeps import escalate
    from leadflow.demo.bulk import IdBlock

    if not 0 < due <= small <= total:
        raise ValueError("want 0 < due ≤ small ≤ total")
    sweep_cleanup()
    kind = _sweep_type()
    owners = list(
        Customer.objects.filter(owner__is_active=True).order_by("id").values_list("id", "owner_id")[:1000]
    )
    ids = IdBlock()
    table = connection.ops.quote_name(Commitment._meta.db_table)
    runs: dict[str, list[tuple[float, dict]]] = {}
    rows: dict[str, int] = {}

    def measure(side: str) -> None:
        rows[side] = Commitment.objects.count()
        timed = [_rolled_back(lambda: escalate(SWEEP_NOW)) for _ in range(repeat + 1)]
        runs[side] = timed[1:]  # the first run warms the caches up

    try:
        started = time.perf_counter()
        _add_commitments(kind, ids, owners, due=True, start=0, n=due)
        _add_commitments(kind, ids, owners, due=False, start=due, n=small - due)
        _analyze(Commitment)
        measure("small, before")
        first_added = ids.take(Commitment)
        grow_started = time.perf_counter()
        _add_commitments(kind, ids, owners, due=False, start=small, n=total - small)
        grow_s = time.perf_counter() - grow_started
        _analyze(Commitment)
        measure("large")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE deliverable_type_id = %s AND id >= %s",  # noqa: S608
                [kind.pk, first_added],
            )
        _vacuum(Commitment)
        measure("small, after")
        still_due = Commitment.objects.filter(status="open", next_escalation_at__lte=SWEEP_NOW).count()
        setup_s = time.perf_counter() - started
    finally:
        sweep_cleanup()
    small_s = [s for side in ("small, before", "small, after") for s, _ in runs[side]]
    large_s = [s for s, _ in runs["large"]]
    fired = sorted({r["fired"].get("remind_owner", 0) for side in runs.values() for _, r in side})
    detail = {
        "due": due,
        "table_rows": rows,
        "runs_s": {side: [round(s, 3) for s, _ in timed] for side, timed in runs.items()},
        "reminders_fired_per_run": fired,
        "due_after_runs": still_due,
        "fastest_run_ratio": round(min(large_s) / min(small_s), 2),
        "insert_rows_per_s": round((total - small) / grow_s) if grow_s else None,
        "setup_s": round(setup_s, 1),
        "checks": {
            "every run fired the due reminders": fired == [due],
            "the due rows were due again after each run": still_due == due,
            "the small table was as small after": rows["small, after"] == rows["small, before"],
        },
    }
    ours, theirs = statistics.median(large_s), statistics.median(small_s)
    return [
        Figure(
            f"escalation sweep, {due:,} due of {rows['large']:,} · median",
            _ms(ours),
            "ms",
            f"same sweep, {due:,} due of {rows['small, before']:,}",
            _ms(theirs),
            ours / theirs if theirs else math.nan,
            detail,
        )
    ]


# --- e) notifications through the outbox to a local webhook ---------------------------------------


class WebhookServer:
    """A WeCom/DingTalk-style robot on 127.0.0.1: answers every POST with ``{"errcode":0}``."""

    def __init__(self) -> None:
        import http.server
        import threading

        received = self.received = []

        class Robot(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(len(body))
                answer = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Robot)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=bench"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _plain_post(url: str, payload: dict) -> None:
    """The baseline: one POST with urllib, as a script would send it, answer checked."""
    import json
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - a local http URL
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        if json.loads(response.read()).get("errcode") != 0:
            raise RuntimeError("the webhook refused a message")


def notify_figures(*, messages: int = 2000) -> list[Figure]:
    """e) Notifications per second through Leadflow's outbox to a local WeCom-style webhook:
    ``notify()`` (inbox row, outbox row and its delivery job, one transaction per notification),
    then ``outbox_deliver`` of each message (claim, POST, mark sent) as the worker runs it; against
    the same number of plain urllib POSTs of the same payload to the same server (timed before
    and after, the mean taken)."""
    from django_tasks_db.models import DBTaskResult

    from leadflow.notify.channels import _markdown
    from leadflow.notify.models import Channel, Notification, OutboxMessage
    from leadflow.notify.services import notify, outbox_deliver
    from leadflow.notify.tasks import deliver_message

    run = uuid.uuid4().hex[:8]
    title, body, url = (
        "提醒：报价单明天到期",
        "杭州仁和医疗器械有限公司的报价单明天到期，请按时交付。",
        "/commitments/1/",
    )
    payload = {
        "msgtype": "markdown",
        "markdown": {"content": _markdown(OutboxMessage(title=title, body=body, url=url))},
    }
    server = WebhookServer()
    # A recipient of its own, without a team: no other channel (a team's robot) gets the messages.
    user = User.objects.create(username=f"bench-notify-{run}", role=Role.REP, display_name="bench")
    channel = Channel.objects.create(
        kind=Channel.Kind.WECOM, name="bench robot", user=user, webhook_url=server.url
    )
    enqueued_after = timezone.now()
    try:

        def baseline() -> float:
            seconds, _ = _timed(lambda: [_plain_post(server.url, payload) for _ in range(messages)])
            return seconds

        base_before = baseline()

        def create() -> None:
            for i in range(messages):
                with transaction.atomic():
                    notify(
                        recipient=user,
                        kind="bench",
                        title=title,
                        body=body,
                        url=url,
                        dedupe_key=f"bench:{run}:{i}",
                    )

        create_s, _ = _timed(create)
        pks = list(OutboxMessage.objects.filter(channel=channel).order_by("pk").values_list("pk", flat=True))
        deliver_s, results = _timed(lambda: [outbox_deliver(pk) for pk in pks])
        base_after = baseline()
        sent = OutboxMessage.objects.filter(channel=channel, status=OutboxMessage.Status.SENT).count()
        inbox = Notification.objects.filter(recipient=user).count()
        jobs = DBTaskResult.objects.filter(
            task_path=deliver_message.module_path, enqueued_at__gte=enqueued_after
        )
        queued = jobs.count()
    finally:
        server.close()
        DBTaskResult.objects.filter(
            task_path=deliver_message.module_path, enqueued_at__gte=enqueued_after
        ).delete()  # the worker would have run these: here outbox_deliver did
        user.delete()  # with its channel, inbox and outbox
    base_s = (base_before + base_after) / 2
    base_rate = messages / base_s
    end_to_end = messages / (create_s + deliver_s)
    delivery = messages / deliver_s
    detail = {
        "messages": messages,
        "sent": sent,
        "inbox": inbox,
        "delivery_jobs_queued": queued,
        "webhook_received": len(server.received),
        "notify_s": round(create_s, 3),
        "deliver_s": round(deliver_s, 3),
        "plain_post_s": [round(base_before, 3), round(base_after, 3)],
        "checks": {
            "every message sent once": sent == messages and results.count("sent") == messages,
            "the webhook got each message once": len(server.received) == 3 * messages,
        },
    }
    label = "plain urllib POSTs, same payload and server"
    return [
        Figure(
            "notifications via outbox, notify → delivered",
            end_to_end,
            "msg/s",
            label,
            base_rate,
            base_rate / end_to_end,
            detail,
        ),
        Figure(
            "outbox delivery (outbox_deliver per message)",
            delivery,
            "msg/s",
            label,
            base_rate,
            base_rate / delivery,
            detail,
        ),
    ]


# --- f) the gatekeeper's overhead per write --------------------------------------------------------

GATE_PATH = "bench:gate"


def _weekday(day: dt.date, hour: int) -> dt.datetime:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _unused_credit_code() -> str:
    from stdnum.cn import uscc

    for n in range(1000):
        body = f"913301000{n:08d}"  # 17 characters: authority, kind, Hangzhou, an organisation code
        code = body + uscc.calc_check_digit(body)
        if not Customer.objects.filter(credit_code=code).exists():
            return code
    raise RuntimeError("no unused credit code")


def gate_figures(*, repeat: int = 100) -> list[Figure]:
    """f) Median time of a write through its service with the default gatekeeper rules, against
    the same service with the rules switched off (``gate.rules_for`` answering none). Samples
    alternate between the two; each write runs in a transaction rolled back afterwards.

    ``payment_create`` meets the outlier rule, which reads the monthly aggregate
    (``orders.CustomerPaymentMonth``, rebuilt first when empty); ``customer_create`` and
    ``customer_update`` meet the first-contact rules (date order, not on a weekend)."""
    from unittest import mock

    from leadflow.customers.services import customer_create, customer_update
    from leadflow.gatekeeper import gate
    from leadflow.gatekeeper.models import Rule
    from leadflow.orders import aggregates
    from leadflow.orders.models import CustomerPaymentMonth, Payment
    from leadflow.orders.services import payment_create

    rebuilt = None
    if not CustomerPaymentMonth.objects.exists():
        rebuilt = aggregates.rebuild()
    now = timezone.now()
    recent = aggregates._months_back(aggregates.month_of(now), 2)
    month = CustomerPaymentMonth.objects.filter(month__gte=recent).order_by("-count", "customer_id").first()
    if month is None:
        month = CustomerPaymentMonth.objects.order_by("-month", "customer_id").first()
    payer = Customer.objects.select_related("owner").get(pk=month.customer_id) if month else None
    average = aggregates.trailing_average(payer.pk, now, 3) if payer else None
    rep = User.objects.get(username="rep1")
    updated = Customer.objects.filter(owner=rep).order_by("id").first()
    ctx = WriteContext(actor=rep, source=Source.API, path=GATE_PATH)
    code = _unused_credit_code()
    today = timezone.localdate()
    first_contact, first_visit = (
        _weekday(today - dt.timedelta(days=20), 10),
        _weekday(today - dt.timedelta(days=6), 15),
    )
    held: list[bool] = []

    def pay() -> None:
        payment, _ = payment_create(
            customer=payer,
            amount=average or 1000,
            received_at=now,
            ctx=WriteContext(actor=payer.owner, source=Source.API, path=GATE_PATH),
        )
        held.append(payment.review_status != Payment.Review.ACCEPTED)

    def create() -> None:
        customer_create(
            ctx=ctx,
            name="基准测试新客户有限公司",
            credit_code=code,
            phone="0571-88886666",
            first_contact_at=first_contact,
            first_visit_at=first_visit,
        )

    def update() -> None:
        customer_update(
            customer=Customer.objects.get(pk=updated.pk),
            ctx=ctx,
            first_contact_at=first_contact,
            first_visit_at=first_visit,
            notes="基准测试",
        )

    services = [("customer_create", create), ("customer_update", update)]
    if payer is not None:
        services.insert(0, ("payment_create", pay))
    rules = list(Rule.objects.filter(active=True).values_list("key", flat=True))
    figures = []
    for name, write in services:
        with_gate: list[float] = []
        without: list[float] = []
        _rolled_back(write)  # warm-up
        for i in range(repeat):
            for gated in (True, False) if i % 2 == 0 else (False, True):
                if gated:
                    with_gate.append(_rolled_back(write)[0])
                else:
                    with mock.patch.object(gate, "rules_for", lambda write: []):
                        without.append(_rolled_back(write)[0])
        ours, theirs = statistics.median(with_gate), statistics.median(without)
        detail = {
            "rules": rules,
            "samples": repeat,
            "aggregate_rebuilt_rows": rebuilt,
            "payer": payer.pk if payer else None,
            "payment": str(average) if average else None,
            "held": sum(held),
            "checks": {"no payment was held": not any(held)},
        }
        figures.append(
            Figure(
                f"gatekeeper: {name} with the default rules · median",
                _ms(ours),
                "ms",
                "same service, rules off",
                _ms(theirs),
                ours / theirs if theirs else math.nan,
                detail,
            )
        )
    leftover = AuditEntry.objects.filter(path=GATE_PATH).count()
    if leftover:
        raise RuntimeError(f"the gate figures left {leftover} audit rows behind")
    return figures
