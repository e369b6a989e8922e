"""Generate the demo company: org, catalogue, customers with contacts, and six-plus months of
timeline — calls, chat messages, visits, notes, proposals, approvals, deals moving through their
pipelines, orders with lines, payments — then eight weeks of commitments with their escalations,
tickets and inbox (:mod:`leadflow.demo.commitments`) and the data gatekeeper's history: held
payments, the violation log, imports (:mod:`leadflow.demo.quality`). Last, the read models the
services keep up to date are rebuilt from it: the monthly payment aggregate the outlier rule reads
and the data-freshness board. In 华南 the ERP connector stopped two work days ago (orders and
payments since were typed in by hand), so the board has a red light to show.

No notification channel is configured: the demo sends nothing out. To try one, add it in the admin
(Notification channels: a DingTalk or WeCom robot's webhook URL — DingTalk with its SEC… signing
secret — or an email address, for a user or a team) and run ``leadflow worker``; every notification
from then on also goes through the outbox to it.

Reproducible: every choice comes from ``random.Random(seed)`` and every date is counted back from
``today`` (default: today's date in ``TIME_ZONE``). "Now" is that day's midnight, so nothing in
the demo happens later than yesterday. Same seed + same ``today`` → the same rows, ids included.

Rows go in through bulk inserts (:mod:`leadflow.demo.bulk`), not the services: this is seed
data, not user input. It still satisfies what the services check — valid credit codes and phone
numbers in canonical form, addresses parsed by cpca, first contact before first visit on work
days, ``last_activity_at`` equal to the newest activity, statuses that match the timeline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import translation
from stdnum.cn import uscc

from leadflow.activities.models import Activity
from leadflow.catalog.models import Product, ProductCategory, ProductLine
from leadflow.customers.address import ParsedAddress, parse_address
from leadflow.customers.models import Contact, Customer
from leadflow.deals.models import Deal, Pipeline, Stage
from leadflow.demo import data
from leadflow.demo.bulk import BulkWriter, IdBlock, analyze, bulk_load_mode, indexes_deferred
from leadflow.demo.commitments import DealPool, DealRef, add_commitments
from leadflow.demo.company import BENCH_CUSTOMER, BENCH_TIMELINE_SIZE, FLAGSHIP_CUSTOMER
from leadflow.demo.quality import add_quality
from leadflow.demo.rows import Rows
from leadflow.gatekeeper import freshness
from leadflow.orders import aggregates
from leadflow.orders.models import Order, OrderLine, Payment
from leadflow.org.models import Branch, Department, Region, Role, Team, User
from leadflow.workcalendar.calendar import is_workday

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Scale:
    customers: int
    touches: float  # multiplier on each customer's calls, chats, visits, notes and emails
    order_gap: float  # multiplier on the days between repeat orders
    chunk: int  # customers per transaction
    bench_customer: bool = False  # add rep1's customer with exactly 1,000 activities
    defer_indexes: bool = False  # build secondary indexes after loading, not row by row
    statuses: tuple[tuple[str, int], ...] = (
        ("lead", 14),
        ("prospect", 24),
        ("active", 42),
        ("dormant", 12),
        ("lost", 8),
    )


SCALES: dict[str, Scale] = {
    "tiny": Scale(customers=80, touches=0.3, order_gap=2.0, chunk=500),  # for the tests
    "demo": Scale(customers=2_000, touches=1.0, order_gap=1.0, chunk=500),
    # A big CRM is mostly leads and prospects; that keeps the timeline at ~10 activities a customer.
    "large": Scale(
        customers=200_000,
        touches=0.2,
        order_gap=3.0,
        chunk=2_000,
        bench_customer=True,
        defer_indexes=True,
        statuses=(("lead", 38), ("prospect", 22), ("active", 24), ("dormant", 10), ("lost", 6)),
    ),
}

# Calls, chats, visits, notes and emails per customer, by status (before the scale's multiplier).
TOUCHES = {"lead": (2, 6), "prospect": (8, 24), "active": (14, 44), "dormant": (8, 24), "lost": (5, 14)}
TOUCH_KINDS = (("call", 28), ("chat", 34), ("visit", 14), ("note", 16), ("email", 8))
# Days between repeat orders, by customer type.
ORDER_GAPS = {
    "hospital": (20, 45),
    "community": (25, 60),
    "clinic": (15, 40),
    "med_dealer": (12, 30),
    "pharmacy": (10, 30),
    "hw_dealer": (10, 25),
    "hw_store": (7, 25),
    "factory": (20, 45),
}
TERMS_DAYS = {
    "cash": (0, 1),
    "cod": (3, 10),
    "net30": (30, 45),
    "net60": (60, 80),
    "net90": (90, 120),
    "": (15, 40),
}
CHANNEL_NAMES = {"wecom": "企业微信", "dingtalk": "钉钉"}
ADDRESS_FORMS = {  # how a contact is addressed in a note: 陈科长, 王老板 …
    "院长": "院长",
    "设备科科长": "科长",
    "采购科主任": "主任",
    "ICU主任": "主任",
    "护士长": "护士长",
    "医务科科长": "科长",
    "信息科科长": "科长",
    "主任": "主任",
    "药剂科负责人": "老师",
    "负责人": "老师",
    "采购": "",
    "总经理": "总",
    "采购经理": "经理",
    "销售总监": "总",
    "商务专员": "",
    "店长": "店长",
    "老板": "老板",
    "老板娘": "老板娘",
    "仓库主管": "主管",
    "采购主管": "主管",
    "设备部经理": "经理",
    "生产经理": "经理",
}
PAYMENT_METHODS = {
    "hospital": (("transfer", 8), ("acceptance", 2)),
    "community": (("transfer", 1),),
    "clinic": (("wechat", 4), ("alipay", 2), ("transfer", 3), ("cash", 1)),
    "pharmacy": (("transfer", 5), ("wechat", 3), ("alipay", 2)),
    "med_dealer": (("transfer", 7), ("acceptance", 3)),
    "hw_dealer": (("transfer", 7), ("acceptance", 3)),
    "hw_store": (("wechat", 5), ("alipay", 3), ("cash", 2)),
    "factory": (("transfer", 6), ("acceptance", 4)),
}
METHOD_NAMES = {
    "transfer": "银行转账",
    "acceptance": "银行承兑汇票",
    "cash": "现金",
    "wechat": "微信支付",
    "alipay": "支付宝",
}
LOAD_ORDER = [Customer, Contact, Deal, Order, OrderLine, Payment, Activity]
# Logs of what happened to the data, and read models of it: they go with it (only optional links,
# or none, point at what is deleted).
LOGS = {"gatekeeper.violationrecord", "gatekeeper.freshnessmark"}
# Rows the migrations seed and `--reset` keeps: configuration, not demo data.
KEEP = {
    "deals.pipeline",
    "deals.stage",
    "org.department",
    "workcalendar.calendaryear",
    "workcalendar.specialday",
}


class NotEmpty(Exception):
    """The database already holds users or customers."""


@dataclass
class Summary:
    scale: str
    seed: int
    today: dt.date
    seconds: float
    counts: dict[str, int]


# --- Reset ----------------------------------------------------------------------------------


def database_is_empty() -> bool:
    return not User.objects.exists() and not Customer.objects.exists()


@dataclass
class ResetPlan:
    wipe: list[type[models.Model]]  # tables emptied
    unlink: list[tuple[type[models.Model], models.Field]]  # kept tables' SET_NULL links into them


def reset_plan() -> ResetPlan:
    """What ``--reset`` deletes: users, the org, the catalogue, customers, the audit trail and
    attachments — and, following Django's ``on_delete``, every table whose rows cannot outlive
    them (CASCADE, PROTECT or a required link). A kept table's optional ``SET_NULL`` link
    (configuration an admin edited, say) is set to NULL instead, so configuration survives."""
    from django.contrib.sessions.models import Session

    from leadflow.attachments.models import Attachment
    from leadflow.audit.models import AuditEntry

    roots = (
        User,
        Region,
        Branch,
        Team,
        ProductLine,
        ProductCategory,
        Product,
        Customer,
        Session,
        AuditEntry,
        Attachment,
    )
    wipe: dict[str, type[models.Model]] = {m._meta.label_lower: m for m in roots}
    every = [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]
    wipe.update({m._meta.label_lower: m for m in every if m._meta.label_lower in LOGS})

    def links(model: type[models.Model]) -> list[models.Field]:
        return [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model._meta.label_lower in wipe
        ]

    grew = True
    while grew:
        grew = False
        for model in every:
            label = model._meta.label_lower
            if label in wipe or label in KEEP:
                continue
            if any(
                not f.null or f.remote_field.on_delete in (models.CASCADE, models.PROTECT, models.RESTRICT)
                for f in links(model)
            ):
                wipe[label] = model
                grew = True
    unlink = [(m, f) for m in every if m._meta.label_lower not in wipe for f in links(m)]
    return ResetPlan(list(wipe.values()), unlink)


def demo_reset(*, progress: Progress | None = None) -> list[str]:
    """Delete the demo data (see :func:`reset_plan`); keep what the migrations seed — pipelines,
    departments, the work calendar, gatekeeper rules, deliverable types. Returns the tables emptied."""
    plan = reset_plan()
    tables = [m._meta.db_table for m in plan.wipe]
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model, field in plan.unlink:
            table, column = qn(model._meta.db_table), qn(field.column)
            cursor.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL")  # noqa: S608
        if connection.vendor == "postgresql" and not plan.unlink:
            # Check deferred foreign keys now: TRUNCATE refuses tables with pending checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(qn(t) for t in tables)} RESTART IDENTITY")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:  # (PostgreSQL cannot TRUNCATE a table another kept table references)
            for table in tables:
                cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608 - table names from Django models
            if connection.vendor == "sqlite":
                marks = ", ".join(["%s"] * len(tables))
                cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({marks})", tables)  # noqa: S608
            else:  # ids start at 1 again, so the same seed gives the same ids
                sequences = [{"table": m._meta.db_table, "column": m._meta.pk.column} for m in plan.wipe]
                for sql in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
                    cursor.execute(sql)
    if progress:
        progress(f"Deleted the data of {len(tables)} tables.")
    return tables


# --- Generation -----------------------------------------------------------------------------


@dataclass
class _Rep:
    user: User
    branch: data.BranchSpec
    team: data.TeamSpec
    manager: User
    reviewer: User  # the finance user who reviews this region's payments
    types: list[data.CustomerType]
    type_weights: list[float]


@dataclass
class _Plan:
    rep: _Rep
    ctype: data.CustomerType
    status: str
    name: str = ""
    forced: tuple[Pipeline, Stage] | None = None
    touches: int | None = None
    exact_total: int | None = None
    first_contact_days: int | None = None
    terms: str = ""  # payment-term habit, decided with the customer


@dataclass
class _Line:
    line: ProductLine
    pipeline: Pipeline
    stages: list[Stage]
    products: list[tuple[Product, tuple[int, int]]]
    deal_names: tuple[str, ...]
    amounts: tuple[int, int]


@dataclass(slots=True)
class _Event:
    at: dt.datetime
    kind: str
    source: str
    actor_id: int | None
    text: str
    payload: dict[str, Any] = field(default_factory=dict)
    deal_id: int | None = None
    external_id: str | None = None


def generate(
    *, scale: str = "demo", seed: int = 1, today: dt.date | None = None, progress: Progress | None = None
) -> Summary:
    """Load the demo company into an empty database (see :func:`demo_reset`)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    if not database_is_empty():
        raise NotEmpty()
    tz = ZoneInfo(settings.TIME_ZONE)
    today = today or dt.datetime.now(tz).date()
    gen = _Generator(scale=SCALES[scale], seed=seed, today=today, progress=progress or (lambda msg: None))
    started = time.monotonic()
    with bulk_load_mode():
        gen.run()
    seconds = time.monotonic() - started
    counts: dict[str, int] = {}
    for model, n in [*gen.writer.written.items(), *gen.rows.written.items()]:
        if not model._meta.auto_created:
            counts[model.__name__] = counts.get(model.__name__, 0) + n
    counts["User"] = User.objects.count()
    counts["Product"] = Product.objects.count()
    return Summary(scale=scale, seed=seed, today=today, seconds=seconds, counts=counts)


class _Generator:
    def __init__(self, *, scale: Scale, seed: int, today: dt.date, progress: Progress) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        # Streams of their own for what comes after the customers, so that adding commitments or
        # findings changes no customer (a str seed is hashed with SHA-512: stable across runs).
        self.crng = random.Random(f"{seed}:commitments")
        self.qrng = random.Random(f"{seed}:quality")
        self.deal_pool = DealPool(self.crng)
        self.habits: dict[int, float] = {}
        # Customers met at a weekend trade fair: (id, owner id, first contact, created), for the
        # gatekeeper's "confirmed" findings. A few, at every scale.
        self.weekend_firsts: list[tuple[int, int, dt.datetime, dt.datetime]] = []
        self.weekend_quota = 8
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(0), tzinfo=self.tz)
        self.progress = progress
        self.ids = IdBlock()
        self.writer = BulkWriter(LOAD_ORDER)
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.trades = [
            a + b
            for a in data.TRADE_FIRST
            for b in data.TRADE_SECOND
            if a != b and a + b not in data.TRADE_AVOID
        ]
        self.addresses: dict[tuple[str, str], ParsedAddress] = {}
        # Work days of the last ~3 years, for first contacts, first visits, visits and orders.
        self.day0 = today - dt.timedelta(days=1100)
        self.workday = [is_workday(self.day0 + dt.timedelta(days=i)) for i in range(1100)]
        # 华南's ERP connector stopped at 10:40 two work days ago: nothing has come from it since.
        last = self._work_day(today - dt.timedelta(days=1), forward=False)
        before = self._work_day(last - dt.timedelta(days=1), forward=False)
        self.erp_down_since = dt.datetime.combine(before, dt.time(10, 40), tzinfo=self.tz)

    # -- time helpers -------------------------------------------------------------------------

    def _work_day(self, day: dt.date, *, forward: bool = True) -> dt.date:
        """The work day on or after (or before) ``day``, within the calendar we hold."""
        last = len(self.workday) - 1
        i = min(max((day - self.day0).days, 0), last)
        step = 1 if forward else -1
        j = i
        while 0 <= j <= last and not self.workday[j]:
            j += step
        if not 0 <= j <= last:
            j = i
            while 0 <= j <= last and not self.workday[j]:
                j -= step
        return self.day0 + dt.timedelta(days=min(max(j, 0), last))

    def _at(self, day: dt.date, lo: float = 9.0, hi: float = 17.5) -> dt.datetime:
        minute = self.rng.randrange(int(lo * 60), int(hi * 60))
        return dt.datetime(
            day.year, day.month, day.day, minute // 60, minute % 60, self.rng.randrange(60), tzinfo=self.tz
        )

    def _retime(
        self, t: dt.datetime, lo: float, hi: float, floor: dt.datetime, ceil: dt.datetime
    ) -> dt.datetime:
        """``t``'s day at a plausible hour, if that stays strictly between ``floor`` and ``ceil``."""
        new = self._at(t.date(), lo, hi)
        return new if floor < new < ceil else t

    def _between(self, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
        return lo + (hi - lo) * self.rng.random()

    def _days(self, lo: float, hi: float) -> dt.timedelta:
        return dt.timedelta(days=self.rng.uniform(lo, hi))

    # -- small makers -------------------------------------------------------------------------

    def _person(self) -> str:
        return self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN_NAMES)

    def _mobile(self) -> str:
        return self.rng.choice(data.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _landline(self, area_code: str) -> str:
        return f"{area_code}-{self.rng.randrange(2, 9)}{self.rng.randrange(10**7):07d}"

    def _credit_code(self, prefix: str, adcode: str) -> str:
        """A 统一社会信用代码 whose check character is right (GB 32100-2015), with a GB 11714
        organisation code inside, registered in the customer's own district."""
        while True:
            org = f"{self.rng.randrange(10**8):08d}"
            check = 11 - sum(int(c) * w for c, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
            body = f"{prefix}{adcode[:6]:0<6}{org}{'X' if check == 10 else '0' if check == 11 else check}"
            code = body + uscc.calc_check_digit(body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> None:
        t0 = time.monotonic()
        with transaction.atomic():
            self._org()
            self._catalogue()
            self._places()
        self.progress(
            f"Org: {User.objects.count()} users in {len(data.BRANCHES)} branches; {Product.objects.count()} products."
        )
        plans = self._plans()
        total = len(plans)
        chunks = range(0, total, self.scale.chunk)
        every = max(1, len(chunks) // 10)
        deferred = indexes_deferred(LOAD_ORDER) if self.scale.defer_indexes else contextlib.nullcontext()
        with deferred:
            for n, start in enumerate(chunks, start=1):
                with transaction.atomic():
                    for plan in plans[start : start + self.scale.chunk]:
                        self._customer(plan)
                    self.writer.flush()
                done = min(total, start + self.scale.chunk)
                if n % every == 0 or done == total:
                    acts = self.writer.written[Activity]
                    self.progress(
                        f"  customers {done:,}/{total:,} · activities {acts:,} · {time.monotonic() - t0:.0f} s"
                    )
            if self.scale.defer_indexes:
                self.progress("  building indexes …")
        self._afterwards()
        self.progress(f"  analyzing · {time.monotonic() - t0:.0f} s")
        if connection.vendor == "postgresql":
            self.writer.reset_sequences()
            self.rows.writer.reset_sequences()
        analyze()

    def _afterwards(self) -> None:
        """Commitments and the gatekeeper's history, then the read models rebuilt from the data."""
        self.rows = Rows(self.ids, self.crng, self.now)
        # Stored texts (notices, timeline entries) in the install's language, as the sweep writes them.
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            aggregates.rebuild()  # first: the held payments are sized against it, as the rule reads it
            made = add_commitments(self, self.rows)
            add_quality(self, self.rows)
            self.rows.flush()
            freshness.rebuild()
        self.progress(f"  {made:,} commitments, the violation log and the freshness board")

    def _org(self) -> None:
        rng = self.rng
        password = make_password(settings.LEADFLOW_DEMO_PASSWORD)  # hashed once: the demo's one password
        departments = {d.code: d for d in Department.objects.all()}
        sales, finance_dept = departments.get("sales"), departments.get("finance")

        def user(person: data.Person, role: str, **extra: Any) -> User:
            u = User(
                username=person.username,
                password=password,
                role=role,
                display_name=person.name,
                last_name=person.name[0],
                first_name=person.name[1:],
                email=f"{person.username}@demo.leadflow.cn",
                phone=self._mobile(),
                hired_at=self.today - dt.timedelta(days=rng.randrange(180, 3000)),
                **extra,
            )
            u.save()
            return u

        user(data.ADMIN, Role.ADMIN, is_staff=True, is_superuser=True)
        regions: dict[str, Region] = {}
        for code, name, director in data.REGIONS:
            region = Region.objects.create(code=code, name=name)
            region.owner = user(director, Role.DIRECTOR, region=region, department=sales)
            region.save()
            regions[code] = region
        reviewers: dict[str | None, User] = {}
        for person, region_code in data.FINANCE:
            reviewers[region_code] = user(
                person,
                Role.FINANCE,
                region=regions.get(region_code) if region_code else None,
                department=finance_dept,
            )
        for person in data.SUPPORT:
            user(person, Role.REP, department=departments.get("tech-support"))
        self.reps: list[_Rep] = []
        for spec in data.BRANCHES:
            branch = Branch.objects.create(
                region=regions[spec.region], name=spec.name, kind=spec.kind, city=spec.city
            )
            for team_spec in spec.teams:
                team = Team.objects.create(branch=branch, name=team_spec.name)
                team.manager = user(team_spec.manager, Role.MANAGER, team=team, department=sales)
                team.save()
                types = [
                    t for t in data.CUSTOMER_TYPES if not team_spec.focus or t.industry == team_spec.focus
                ]
                for person in team_spec.reps:
                    rep = user(person, Role.REP, team=team, department=sales)
                    reviewer = reviewers.get(spec.region) or reviewers[None]
                    self.reps.append(
                        _Rep(rep, spec, team_spec, team.manager, reviewer, types, [t.weight for t in types])
                    )
        self.rep1 = next(r for r in self.reps if r.user.username == "rep1")

    def _catalogue(self) -> None:
        pipelines = list(Pipeline.objects.prefetch_related("stages").order_by("pk"))
        if not pipelines:
            raise RuntimeError("No deal pipelines: run the migrations first.")
        self.pipelines = [(p, sorted(p.stages.all(), key=lambda s: s.position)) for p in pipelines]
        self.stages = {p.pk: stages for p, stages in self.pipelines}
        default = next((p for p in pipelines if p.is_default), pipelines[0])
        self.lines: dict[str, _Line] = {}
        for code, name, industry, deal_names, amounts in data.PRODUCT_LINES:
            line = ProductLine.objects.create(code=code, name=name)
            pipeline = next((p for p in pipelines if p.industry == industry and industry), default)
            stages = dict(self.pipelines)[pipeline]
            self.lines[code] = _Line(line, pipeline, stages, [], deal_names, amounts)
        self.line_codes = {line.line.pk: code for code, line in self.lines.items()}
        categories: dict[tuple[str, str], ProductCategory] = {}
        for code, category, sku, name, unit, price, qty in data.PRODUCTS:
            key = (code, category)
            if key not in categories:
                categories[key] = ProductCategory.objects.create(line=self.lines[code].line, name=category)
            product = Product.objects.create(
                sku=sku,
                name=name,
                line=self.lines[code].line,
                category=categories[key],
                unit=unit,
                list_price=price,
            )
            self.lines[code].products.append((product, qty))

    def _places(self) -> None:
        """Parse one address per district with cpca, as the customer service would."""
        for key, city in data.CITIES.items():
            for district, roads in city.districts.items():
                parsed = parse_address(f"{city.province}{city.city}{district}{roads[0]}1号")
                if not parsed.district:
                    raise RuntimeError(f"cpca cannot place {city.city}{district}")
                self.addresses[(key, district)] = parsed

    def _plans(self) -> list[_Plan]:
        """Who owns each customer and how its story goes. The first plans put a deal in every
        stage of every pipeline, so the kanban has no empty column at any scale."""
        rng = self.rng
        weights = [1.2 if r is self.rep1 else rng.uniform(0.6, 1.4) for r in self.reps]
        statuses, status_weights = zip(*self.scale.statuses, strict=True)
        plans: list[_Plan] = [
            _Plan(
                self.rep1,
                _type("hospital"),
                "active",
                name=FLAGSHIP_CUSTOMER,
                touches=110,
                first_contact_days=430,
            )
        ]
        self.names.update({FLAGSHIP_CUSTOMER, BENCH_CUSTOMER})
        if self.scale.bench_customer:
            plans.append(
                _Plan(
                    self.rep1,
                    _type("hospital"),
                    "active",
                    name=BENCH_CUSTOMER,
                    exact_total=BENCH_TIMELINE_SIZE,
                    first_contact_days=720,
                )
            )
        by_status = {"open": "prospect", "won": "active", "lost": "lost"}
        for pipeline, stages in self.pipelines:
            fits = [
                t for t in data.CUSTOMER_TYPES if any(self.lines[c].pipeline == pipeline for c in t.lines)
            ]
            for stage in stages:
                ctype = rng.choice(fits or data.CUSTOMER_TYPES)
                reps = [r for r in self.reps if ctype in r.types]
                plans.append(_Plan(rng.choice(reps), ctype, by_status[stage.kind], forced=(pipeline, stage)))
        while len(plans) < self.scale.customers:
            rep = rng.choices(self.reps, weights)[0]
            ctype = rng.choices(rep.types, rep.type_weights)[0]
            plans.append(_Plan(rep, ctype, rng.choices(statuses, status_weights)[0]))
        head, rest = plans[:1], plans[1:]
        rng.shuffle(rest)
        return head + rest

    # -- one customer -------------------------------------------------------------------------

    def _customer(self, plan: _Plan) -> None:
        rng, ctype, rep = self.rng, plan.ctype, plan.rep
        cid = self.ids.take(Customer)
        territory = rep.branch.territory
        city_key = territory[0] if len(territory) == 1 or rng.random() < 0.75 else rng.choice(territory[1:])
        city = data.CITIES[city_key]
        district = rng.choice(list(city.districts))
        road = rng.choice(city.districts[district])
        parsed = self.addresses[(city_key, district)]
        name = plan.name or self._company_name(ctype, city, district, road)
        short = _short_name(name, city)

        # Contacts (the first is the primary one) and the company's own facts.
        contacts: list[dict[str, Any]] = []
        titles = rng.sample(ctype.titles, min(len(ctype.titles), rng.randint(*ctype.contacts)))
        for i, title in enumerate(titles):
            mobile = self._mobile() if rng.random() < 0.95 else ""
            email = ""
            if rng.random() < 0.15:
                email = f"{mobile}@163.com" if mobile else f"{rng.randrange(10**7, 10**10)}@qq.com"
            contacts.append(
                dict(
                    id=self.ids.take(Contact),
                    customer_id=cid,
                    name=self._person(),
                    title=title,
                    mobile=mobile,
                    phone=self._landline(city.area_code) if rng.random() < 0.3 else "",
                    wechat=(mobile if rng.random() < 0.5 else f"wxid_{rng.randrange(36**10):010x}")
                    if mobile and rng.random() < 0.6
                    else "",
                    email=email,
                    is_primary=i == 0,
                )
            )
        boss = next((c for c in contacts if c["title"] == "院长"), None)
        legal = boss["name"] if boss and "有限公司" not in name else self._person()
        if rng.random() < ctype.landline or not contacts[0]["mobile"]:
            phone = self._landline(city.area_code)
        else:
            phone = contacts[0]["mobile"]
        credit_code = None
        if not (plan.status == "lead" and rng.random() < 0.25) and not (
            ctype.code == "hw_store" and rng.random() < 0.1
        ):
            credit_code = self._credit_code(_credit_prefix(ctype, name), parsed.adcode)

        # The window the story happens in, and the two milestones.
        first_contact, end = self._window(plan)
        met_at_fair = self._fair(plan, first_contact)
        if met_at_fair:
            first_contact = met_at_fair
        first_visit = None
        if plan.status != "lead" or rng.random() < 0.2:
            lo = first_contact.date() + dt.timedelta(days=2)
            day = self._work_day(lo + dt.timedelta(days=rng.randrange(0, 25)))
            if day < end.date():
                first_visit = self._at(day, 9, 17)
        owner_id = rep.user.pk
        plan.terms = "" if plan.status == "lead" else rng.choice(ctype.payment_terms)
        channel = ctype.chat if rng.random() < 0.85 else ("dingtalk" if ctype.chat == "wecom" else "wecom")
        words = _Words(self, contacts, ctype, name, short)
        words.rep_name = rep.user.display_name

        events: list[_Event] = []
        how = rng.choice(("call", "chat"))
        events.append(
            _Event(
                first_contact,
                how,
                "mobile" if how == "call" else channel,
                owner_id,
                words.fill(rng.choice(data.FIRST_CONTACT[how])),
                {"first_contact": True},
            )
        )
        if how == "chat":
            events[-1].external_id = f"{cid}-0"
        if first_visit:
            text = words.fill(rng.choice(data.FIRST_VISIT[ctype.industry]))
            events.append(
                _Event(
                    first_visit,
                    "visit",
                    "mobile",
                    owner_id,
                    text,
                    {"first_visit": True, "check_in": name, "contact": words.contact["name"]},
                )
            )

        deals, won = self._deals(plan, cid, owner_id, short, first_contact, first_visit, end, events, words)
        if plan.status in ("prospect", "active"):
            self._offer_deals(deals, won, cid, name)
        if won and plan.status in ("active", "dormant"):
            self._orders(plan, cid, owner_id, won, end, events, words)

        budget = plan.touches
        if plan.exact_total is not None:
            budget = max(0, plan.exact_total - len(events))
        elif budget is None:
            lo, hi = TOUCHES[plan.status]
            budget = max(1, round(rng.uniform(lo, hi) * self.scale.touches))
        self._touches(budget, first_contact, first_visit, end, owner_id, channel, cid, events, words)

        events.sort(key=lambda e: e.at)
        last_activity = events[-1].at
        for e in events:
            self.writer.add(
                Activity,
                dict(
                    id=self.ids.take(Activity),
                    kind=e.kind,
                    occurred_at=e.at,
                    recorded_at=self._recorded_at(plan, e),
                    source=e.source,
                    actor_id=e.actor_id,
                    customer_id=cid,
                    deal_id=e.deal_id,
                    text=e.text,
                    payload=e.payload,
                    external_id=e.external_id,
                ),
            )
        source = rng.choices(*zip(*data.CUSTOMER_SOURCES, strict=True))[0]
        if met_at_fair:
            source = "exhibition"
        created = first_contact - self._days(0, 2) if source == "import" else first_contact
        if met_at_fair:
            self.weekend_firsts.append((cid, owner_id, first_contact, created))
        self.writer.add(
            Customer,
            dict(
                id=cid,
                name=name,
                credit_code=credit_code,
                legal_representative=legal,
                industry=ctype.industry,
                phone=phone,
                address=_address(city, district, road, rng),
                province=parsed.province,
                city=parsed.city,
                district=parsed.district,
                adcode=parsed.adcode,
                owner_id=owner_id,
                status=plan.status,
                source=source,
                payment_terms=plan.terms,
                first_contact_at=first_contact,
                first_visit_at=first_visit,
                last_activity_at=last_activity,
                notes=words.fill("决策人：{c}。") if rng.random() < 0.3 else "",
                created_via={"import": "import", "wecom": "wecom", "dingtalk": "dingtalk"}.get(source, "web"),
                created_at=created,
                updated_at=last_activity,
            ),
        )
        for contact in contacts:
            contact["created_at"] = contact["updated_at"] = created
            self.writer.add(Contact, contact)
        for deal in deals:
            self.writer.add(Deal, deal)

    def _fair(self, plan: _Plan, first_contact: dt.datetime) -> dt.datetime | None:
        """For a few recent leads and prospects: met at a trade fair the weekend before (a first
        contact the gatekeeper asks about, and the rep confirmed)."""
        if (
            not self.weekend_quota
            or plan.status not in ("lead", "prospect")
            or plan.forced
            or plan.name
            or first_contact < self.now - dt.timedelta(weeks=7)
            or self.qrng.random() > 0.3
        ):
            return None
        day = first_contact.date()
        for _ in range(6):
            day -= dt.timedelta(days=1)
            if day.weekday() >= 5 and not is_workday(day):
                self.weekend_quota -= 1
                return dt.datetime.combine(day, dt.time(10), tzinfo=self.tz) + dt.timedelta(
                    minutes=self.qrng.randrange(0, 360)
                )
        return None

    def _offer_deals(
        self,
        deals: list[dict[str, Any]],
        won: list[tuple[dict[str, Any], _Line, dt.datetime]],
        cid: int,
        name: str,
    ) -> None:
        """Deals a promise can be made on: open ones, and ones won in the last two months."""
        won_ids = {deal["id"] for deal, _, _ in won}
        recent = self.now - dt.timedelta(days=60)
        for deal in deals:
            closed = deal["closed_at"]
            if closed is None or (deal["id"] in won_ids and closed > recent):
                self.deal_pool.offer(
                    DealRef(
                        deal["id"],
                        cid,
                        name,
                        deal["owner_id"],
                        self.line_codes[deal["product_line_id"]],
                        deal["pipeline_id"],
                        deal["name"],
                        deal["created_at"],
                        closed,
                    )
                )

    def _company_name(self, ctype: data.CustomerType, city: data.CitySpec, district: str, road: str) -> str:
        rng = self.rng
        name = ""
        for _ in range(8):
            name = rng.choice(ctype.names).format(
                city=city.city.removesuffix("市"),
                province=city.province.removesuffix("省").removesuffix("市"),
                district=district,
                road=_road_root(road),
                trade=rng.choice(self.trades),
            )
            if name not in self.names:
                break
        self.names.add(name)
        return name

    def _window(self, plan: _Plan) -> tuple[dt.datetime, dt.datetime]:
        """First contact (a work day, office hours) and the last day anything happens."""
        rng, now = self.rng, self.now
        status = plan.status
        if status == "lead":
            end, back = now, (3, 75)
        elif status == "prospect":
            end, back = now - self._days(0, 20), (25, 280)
        elif status == "active":
            end, back = now - self._days(0, 10), (150, 560)
        elif status == "dormant":
            end, back = now - self._days(95, 260), (90, 400)
        else:
            end, back = now - self._days(10, 200), (30, 300)
        if plan.first_contact_days is not None:
            end, back = now - self._days(0, 2), (plan.first_contact_days, plan.first_contact_days)
        day = self._work_day((end - self._days(*back)).date())
        if day >= end.date():
            day = self._work_day(end.date() - dt.timedelta(days=1), forward=False)
        first_contact = self._at(day, 9, 17.5)
        # The last touch, at a working hour of a day before today (and after the first contact).
        end_day = min(end.date(), self.today - dt.timedelta(days=1))
        end = self._at(end_day, 9, 18.5)
        if end <= first_contact + dt.timedelta(hours=1):
            end = first_contact + dt.timedelta(minutes=rng.randrange(60, 300))
        return first_contact, min(end, now - dt.timedelta(minutes=rng.randrange(1, 60)))

    def _deals(
        self,
        plan: _Plan,
        cid: int,
        owner_id: int,
        short: str,
        first_contact: dt.datetime,
        first_visit: dt.datetime | None,
        end: dt.datetime,
        events: list[_Event],
        words: _Words,
    ) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], _Line, dt.datetime]]]:
        """The customer's deals, each walked stage by stage to where it stands today."""
        rng, status = self.rng, plan.status
        wanted: list[tuple[str, _Line | None, Stage | None]] = []  # (outcome, line, forced stage)
        if plan.forced:
            pipeline, stage = plan.forced
            fitting = [c for c in plan.ctype.lines if self.lines[c].pipeline == pipeline]
            line = self.lines[rng.choice(fitting)] if fitting else None
            if line is None:  # a pipeline no product line uses: borrow a line, keep the pipeline
                base = self.lines[rng.choice(plan.ctype.lines)]
                line = _Line(
                    base.line,
                    pipeline,
                    dict(self.pipelines)[pipeline],
                    base.products,
                    base.deal_names,
                    base.amounts,
                )
            wanted.append((stage.kind, line, stage))
        if status == "prospect":
            wanted += [("open", None, None)] * (0 if plan.forced else 1) + [("open", None, None)] * (
                rng.random() < 0.2
            )
        elif status == "active":
            wanted += [("won", None, None)] * (0 if plan.forced else 1)
            wanted += [("won", None, None)] * (rng.random() < 0.3) + [("open", None, None)] * (
                rng.random() < 0.35
            )
        elif status == "dormant":
            wanted += [("won", None, None)] + [("lost", None, None)] * (rng.random() < 0.2)
        elif status == "lost":
            wanted += [("lost", None, None)] * (0 if plan.forced else 1)
        if plan.name == FLAGSHIP_CUSTOMER:
            wanted += [("won", None, None), ("open", None, None)]

        deals: list[dict[str, Any]] = []
        won: list[tuple[dict[str, Any], _Line, dt.datetime]] = []
        for i, (outcome, line, forced_stage) in enumerate(wanted):
            line = line or self.lines[rng.choice(plan.ctype.lines)]
            stages = line.stages
            opened = [s for s in stages if s.kind == Stage.Kind.OPEN]
            if forced_stage is not None and forced_stage.kind == Stage.Kind.OPEN:
                path = opened[: opened.index(forced_stage) + 1]
            elif outcome == "open":
                path = opened[: rng.randrange(1, len(opened) + 1)]
            elif outcome == "won":
                path = opened + [forced_stage or next(s for s in stages if s.kind == Stage.Kind.WON)]
            else:
                path = opened[: rng.randrange(1, len(opened))] + [
                    forced_stage or next(s for s in stages if s.kind == Stage.Kind.LOST)
                ]
            # When it opened and when it got where it is.
            if i == 0:
                start = (first_visit or first_contact) + self._days(0, 3)
                start = min(start, first_contact + (end - first_contact) * 0.3)
            else:
                start = first_contact + (end - first_contact) * rng.uniform(0.2, 0.6)
            start = max(start, first_contact + dt.timedelta(minutes=30))
            if outcome == "won" and i == 0:
                last = start + (end - start) * rng.uniform(0.15, 0.4)
            elif outcome == "lost" and status == "lost":
                last = end
            else:
                last = start + (end - start) * rng.uniform(0.3, 1.0)
            start = self._retime(start, 9, 19, first_contact, end)
            last = max(start + dt.timedelta(minutes=10), self._retime(last, 9, 19, start, end))
            times = sorted(
                self._retime(self._between(start, last), 9, 19, start, last) for _ in range(len(path) - 2)
            )
            times.append(last)
            deal_id = self.ids.take(Deal)
            lo_amount, hi_amount = line.amounts
            amount = Decimal(rng.randrange(lo_amount, hi_amount) // 100 * 100)
            deal_name = rng.choice(line.deal_names).format(short=short)
            words.deal, words.amount = deal_name, amount
            words.line_name, words.product = line.line.name, _product_words(rng.choice(line.products)[0])
            events.append(
                _Event(
                    start,
                    "note",
                    "web",
                    owner_id,
                    f"新建商机“{deal_name}”，阶段：{path[0].name}",
                    {"event": "deal_created", "stage": path[0].name, "amount": str(amount)},
                    deal_id,
                )
            )
            for prev, stage, at in zip(path, path[1:], times, strict=False):
                events.append(
                    _Event(
                        at,
                        "stage_change",
                        rng.choice(("web", "web", "mobile")),
                        owner_id,
                        f"{prev.name} → {stage.name}",
                        {
                            "from": prev.name,
                            "to": stage.name,
                            "from_id": prev.pk,
                            "to_id": stage.pk,
                            "jump": stage.position - prev.position,
                        },
                        deal_id,
                    )
                )
                before = self._retime(max(start, at - self._days(0.1, 2)), 9, 19, start, at)
                if stage.position == 3 and stage.kind == Stage.Kind.OPEN:
                    events.append(
                        _Event(
                            before,
                            "proposal",
                            "web",
                            owner_id,
                            words.fill(rng.choice(data.PROPOSALS), keep=True),
                            {"deal_id": deal_id, "amount": str(amount), "document": f"报价单-{deal_id}.pdf"},
                            deal_id,
                        )
                    )
                if stage.position == 5 and stage.kind == Stage.Kind.OPEN and rng.random() < 0.7:
                    kind, detail = rng.choice(data.APPROVALS)
                    events.append(
                        _Event(
                            before,
                            "approval",
                            "dingtalk",
                            plan.rep.manager.pk,
                            f"{kind}："
                            + words.fill(detail, keep=True)
                            + f" — {plan.rep.manager.display_name} 已同意",
                            {
                                "type": kind,
                                "result": "approved",
                                "applicant": plan.rep.user.display_name,
                                "approver": plan.rep.manager.display_name,
                                "deal_id": deal_id,
                            },
                            deal_id,
                            external_id=f"PROC-{deal_id:08d}-{stage.position}",
                        )
                    )
                if (
                    stage.position == 4
                    and stage.kind == Stage.Kind.OPEN
                    and first_visit
                    and before > first_visit
                ):
                    visit = self._at(self._work_day(before.date(), forward=False), 9, 17)
                    if visit <= first_visit or visit >= at:
                        visit = before
                    text = words.fill("到{c}处安装样机，开始试用{p}", keep=True)
                    events.append(
                        _Event(
                            visit,
                            "visit",
                            "mobile",
                            owner_id,
                            text,
                            {"contact": words.contact["name"], "deal_id": deal_id},
                            deal_id,
                        )
                    )
            closed = path[-1].kind != Stage.Kind.OPEN
            deal = dict(
                id=deal_id,
                name=deal_name[:100],
                customer_id=cid,
                owner_id=owner_id,
                pipeline_id=line.pipeline.pk,
                stage_id=path[-1].pk,
                amount=amount,
                product_line_id=line.line.pk,
                stage_changed_at=last if len(path) > 1 else start,
                closed_at=last if closed else None,
                created_at=start,
                updated_at=last if len(path) > 1 else start,
            )
            deals.append(deal)
            if path[-1].kind == Stage.Kind.WON:
                won.append((deal, line, last))
        # Events must not fall before the first visit when they are visits (the first visit is the first).
        for e in events:
            if e.kind == "visit" and first_visit and e.at < first_visit and not e.payload.get("first_visit"):
                e.kind, e.payload = "call", {"direction": "out", "duration_s": rng.randrange(60, 600)}
        return deals, won

    def _orders(
        self,
        plan: _Plan,
        cid: int,
        owner_id: int,
        won: list[tuple[dict[str, Any], _Line, dt.datetime]],
        end: dt.datetime,
        events: list[_Event],
        words: _Words,
    ) -> None:
        """An order after each won deal, then repeat orders of everyday items until ``end``;
        payments as the customer's payment habit has it."""
        rng, ctype = self.rng, plan.ctype
        stop = end if plan.status == "active" else end - dt.timedelta(days=20)
        pool = [pq for code in ctype.lines for pq in self.lines[code].products if pq[0].list_price < 2000]
        big = 3 if ctype.code in ("hw_dealer", "med_dealer", "hospital", "factory") else 1
        schedule: list[tuple[dt.datetime, dict[str, Any] | None, list[tuple[Product, tuple[int, int]]]]] = []
        for deal, line, closed in won:
            schedule.append(
                (closed + self._days(1, 10), deal, rng.sample(line.products, min(2, len(line.products))))
            )
        gap_lo, gap_hi = ORDER_GAPS[ctype.code]
        t = won[0][2] + self._days(gap_lo, gap_hi) * self.scale.order_gap
        while t < stop:
            schedule.append((t, None, rng.sample(pool, min(len(pool), rng.randint(1, 4)))))
            t += self._days(gap_lo, gap_hi) * self.scale.order_gap
        terms = TERMS_DAYS[plan.terms]
        methods, method_weights = zip(*PAYMENT_METHODS[ctype.code], strict=True)
        for when, deal, products in schedule:
            ordered_at = self._at(self._work_day(when.date()), 8.5, 18)
            if ordered_at >= stop:
                continue
            order_id = self.ids.take(Order)
            number = f"SO{ordered_at:%Y%m%d}{order_id:06d}"
            total = Decimal(0)
            for product, (q_lo, q_hi) in products:
                qty = Decimal(rng.randint(q_lo, q_hi) * (1 if deal else big))
                price = (product.list_price * Decimal(rng.randrange(85, 101)) / 100).quantize(Decimal("0.01"))
                amount = (qty * price).quantize(Decimal("0.01"))
                total += amount
                self.writer.add(
                    OrderLine,
                    dict(
                        id=self.ids.take(OrderLine),
                        order_id=order_id,
                        product_id=product.pk,
                        quantity=qty,
                        unit_price=price,
                        amount=amount,
                    ),
                )
            if deal is not None:
                deal["amount"] = total  # a won deal is worth what was ordered
            from_erp = rng.random() < 0.7 and not self._erp_down(plan, ordered_at)
            stored_at = self._stored_at(plan, ordered_at, from_erp)
            cancelled = rng.random() < 0.02
            status = (
                "cancelled"
                if cancelled
                else "delivered"
                if ordered_at < self.now - dt.timedelta(days=5)
                else "open"
            )
            self.writer.add(
                Order,
                dict(
                    id=order_id,
                    number=number,
                    customer_id=cid,
                    deal_id=deal["id"] if deal else None,
                    rep_id=owner_id,
                    ordered_at=ordered_at,
                    status=status,
                    total=total,
                    source="erp" if from_erp else "web",
                    external_id=f"ERP-{number}" if from_erp else None,
                    created_at=stored_at,
                    updated_at=stored_at,
                ),
            )
            events.append(
                _Event(
                    ordered_at,
                    "order",
                    "erp" if from_erp else "web",
                    None if from_erp else owner_id,
                    f"订单 {number}，¥{total:,.2f}" + ("（已取消）" if cancelled else ""),
                    {"order_id": order_id, "number": number, "total": str(total)},
                    deal["id"] if deal else None,
                )
            )
            if cancelled:
                continue
            parts = [total]
            if rng.random() < 0.15:  # paid in two instalments
                first = (total * Decimal("0.6")).quantize(Decimal("0.01"))
                parts = [first, total - first]
            received = ordered_at + self._days(*terms) + self._days(-3, 15)
            received = max(
                self._at(self._work_day(received.date()), 9, 17), ordered_at + dt.timedelta(hours=2)
            )
            for part in parts:
                if received >= end or received >= self.now:
                    break  # not paid yet: a receivable
                self._payment(
                    plan, cid, order_id, part, received, rng.choices(methods, method_weights)[0], events
                )
                received = self._at(self._work_day((received + self._days(10, 40)).date()), 9, 17)

    def _payment(
        self,
        plan: _Plan,
        cid: int,
        order_id: int,
        amount: Decimal,
        received: dt.datetime,
        method: str,
        events: list[_Event],
    ) -> None:
        # An ordinary payment passes the gatekeeper and counts at once; the held ones, with their
        # findings and finance's decisions, come with the gatekeeper's history (demo.quality).
        rng = self.rng
        review, reviewer, reviewed_at, comment = "accepted", None, None, ""
        payment_id = self.ids.take(Payment)
        from_erp = rng.random() < 0.6 and not self._erp_down(plan, received)
        stored_at = self._stored_at(plan, received, from_erp)
        self.writer.add(
            Payment,
            dict(
                id=payment_id,
                customer_id=cid,
                order_id=order_id,
                amount=amount,
                received_at=received,
                method=method,
                review_status=review,
                reviewed_by_id=reviewer,
                reviewed_at=reviewed_at,
                review_comment=comment,
                source="erp" if from_erp else "web",
                external_id=f"ERP-RCV-{payment_id:08d}" if from_erp else None,
                created_at=stored_at,
                updated_at=reviewed_at or stored_at,
            ),
        )
        events.append(
            _Event(
                received,
                "payment",
                "erp" if from_erp else "web",
                None if from_erp else plan.rep.user.pk,
                f"回款 ¥{amount:,.2f}（{METHOD_NAMES[method]}）",
                {"payment_id": payment_id, "amount": str(amount), "review": review},
            )
        )

    def _erp_down(self, plan: _Plan, at: dt.datetime) -> bool:
        return plan.rep.branch.region == "south" and at >= self.erp_down_since

    def _stored_at(self, plan: _Plan, at: dt.datetime, from_erp: bool) -> dt.datetime:
        """When the row was written: at once from the web; from the ERP at its connector's next
        run (never after the 华南 connector stopped, nor after "now")."""
        if not from_erp:
            return at
        stored = min(at + self._days(0.02, 0.33), self.now - dt.timedelta(minutes=1))
        if plan.rep.branch.region == "south":
            stored = min(stored, self.erp_down_since)
        return max(stored, at)

    def _touches(
        self,
        budget: int,
        first_contact: dt.datetime,
        first_visit: dt.datetime | None,
        end: dt.datetime,
        owner_id: int,
        channel: str,
        cid: int,
        events: list[_Event],
        words: _Words,
    ) -> None:
        """Exactly ``budget`` calls, chat messages, visits, notes and emails between first contact and ``end``."""
        rng = self.rng
        kinds, weights = zip(*TOUCH_KINDS, strict=True)
        lo = first_contact + dt.timedelta(minutes=5)
        span_ok = end > lo
        made = 0
        msg = 1
        while made < budget:
            kind = rng.choices(kinds, weights)[0]
            at = self._between(lo, end) if span_ok else end
            if made == 0:  # the newest touch closes the window: what the status says is how it is
                kind, at = rng.choice(("call", "chat")), end
            if kind == "visit" and (first_visit is None or at <= first_visit):
                kind = "call"
            if kind in ("visit", "call") and made:
                day = self._work_day(at.date(), forward=False)
                at = self._at(day, 9, 17.5) if kind == "visit" else self._at(day, 8.5, 19)
                if at <= lo or at >= end or (kind == "visit" and first_visit and at <= first_visit):
                    at = self._between(max(lo, first_visit or lo), end) if span_ok else end
            elif made and kind == "chat":
                at = self._retime(at, 8, 22.5, lo, end)
            elif made:
                at = self._retime(at, 8.5, 21, lo, end)
            if kind == "chat":
                thread = min(budget - made, rng.randint(1, 4))
                outgoing = rng.random() < 0.5
                contact = None
                for _ in range(thread):
                    text = words.fill(
                        rng.choice(data.CHATS_OUT if outgoing else data.CHATS_IN[words.industry]),
                        contact=contact,
                    )
                    contact = words.contact  # one conversation, one person
                    events.append(
                        _Event(
                            min(at, end),
                            "chat",
                            channel,
                            owner_id,
                            text,
                            {
                                "direction": "out" if outgoing else "in",
                                "sender": words.rep_name if outgoing else contact["name"],
                                "chat": CHANNEL_NAMES[channel],
                            },
                            external_id=f"{cid}-{msg}",
                        )
                    )
                    msg += 1
                    at += dt.timedelta(seconds=rng.randrange(20, 900))
                    outgoing = not outgoing
                made += thread
                continue
            if kind == "call":
                text = words.fill(rng.choice(data.CALLS))
                payload = {
                    "direction": "out" if rng.random() < 0.8 else "in",
                    "duration_s": rng.randrange(30, 900),
                    "contact": words.contact["name"],
                }
                events.append(_Event(at, "call", rng.choice(("mobile", "web")), owner_id, text, payload))
            elif kind == "visit":
                text = words.fill(rng.choice(data.VISITS[words.industry]))
                payload = {"contact": words.contact["name"], "check_in": words.customer}
                events.append(_Event(at, "visit", "mobile", owner_id, text, payload))
            elif kind == "note":
                events.append(
                    _Event(
                        at,
                        "note",
                        "web",
                        owner_id,
                        words.fill(rng.choice(data.NOTES[words.industry])),
                        {},
                    )
                )
            else:
                text = words.fill(rng.choice(data.EMAILS))
                payload = {"to": words.contact["name"], "subject": text}
                events.append(_Event(at, "email", "web", owner_id, text, payload))
            made += 1

    def _recorded_at(self, plan: _Plan, e: _Event) -> dt.datetime:
        recorded = min(self.now, e.at + self._recording_delay(e))
        if e.source == "erp" and plan.rep.branch.region == "south":
            recorded = max(e.at, min(recorded, self.erp_down_since))  # nothing synced since it stopped
        return recorded

    def _recording_delay(self, e: _Event) -> dt.timedelta:
        if e.source == "erp":
            return dt.timedelta(minutes=self.rng.randrange(30, 480))
        if e.kind in ("visit", "call"):
            return dt.timedelta(minutes=self.rng.randrange(1, 90))
        if e.kind in ("note", "email"):
            return dt.timedelta(minutes=self.rng.randrange(0, 10))
        return dt.timedelta(0)


class _Words:
    """Fills the timeline's sentence templates for one customer."""

    def __init__(
        self,
        gen: _Generator,
        contacts: list[dict[str, Any]],
        ctype: data.CustomerType,
        customer: str,
        short: str,
    ) -> None:
        self.rng = gen.rng
        self.contacts = contacts
        self.customer = customer
        self.industry = ctype.industry
        self.rep_name = ""
        lines = [gen.lines[c] for c in ctype.lines]
        self.line_choices = lines
        self.line_name = lines[0].line.name
        self.product = _product_words(lines[0].products[0][0])
        self.deal = f"{short}采购项目"
        self.amount = Decimal(0)
        self.contact = contacts[0]

    def fill(self, template: str, *, keep: bool = False, contact: dict[str, Any] | None = None) -> str:
        """Fill ``template``; ``self.contact`` is then the person it speaks of. ``keep`` stays with
        the current deal's product; otherwise the product may change, as conversations do."""
        rng = self.rng
        self.contact = contact = contact or rng.choice(self.contacts)
        form = ADDRESS_FORMS.get(contact["title"], "")
        if not keep and rng.random() < 0.4:
            line = rng.choice(self.line_choices)
            self.line_name, self.product = line.line.name, _product_words(rng.choice(line.products)[0])
        return template.format(
            c=contact["name"][0] + form if form else contact["name"],
            p=self.product,
            line=self.line_name,
            deal=self.deal,
            amount=f"{self.amount:,.0f}",
            n=rng.randrange(10**11, 10**12),
            d=rng.choice((85, 88, 9, 92, 95)),
            days=rng.choice((30, 60, 90)),
        )


def _type(code: str) -> data.CustomerType:
    return next(t for t in data.CUSTOMER_TYPES if t.code == code)


def _road_root(road: str) -> str:
    for suffix in ("大道", "路", "街"):
        if road.endswith(suffix):
            return road[: -len(suffix)]
    return road


def _short_name(name: str, city: data.CitySpec) -> str:
    short = name.removeprefix(city.city).removeprefix(city.city.removesuffix("市"))
    for suffix in ("连锁有限公司", "有限公司"):
        short = short.removesuffix(suffix)
    return short or name


def _product_words(product: Product) -> str:
    return product.name.split("（")[0]


def _credit_prefix(ctype: data.CustomerType, name: str) -> str:
    """登记管理部门 + 机构类别 (GB 32100): 12 public institution, 52 private non-enterprise,
    91 company, 92 individual business."""
    if "有限公司" in name:
        return "91"
    if name.endswith(("人民医院", "中医院", "妇幼保健院", "社区卫生服务中心", "社区卫生服务站")):
        return "12"
    if ctype.code in ("hospital", "clinic"):
        return "52"
    if ctype.code in ("hw_store", "pharmacy"):
        return "92"
    return "91"


def _address(city: data.CitySpec, district: str, road: str, rng: random.Random) -> str:
    head = city.city if city.province == city.city or rng.random() < 0.6 else city.province + city.city
    address = f"{head}{district}{road}{rng.randrange(1, 1200)}号"
    if rng.random() < 0.4:
        address += f"{rng.randrange(1, 12)}幢{rng.randrange(1, 20)}0{rng.randrange(1, 9)}室"
    return address
