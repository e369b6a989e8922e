"""`leadflow demo`: the demo company, generated at the tiny scale."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Max, Min

from leadflow.activities.models import Activity
from leadflow.customers.address import parse_address
from leadflow.customers.models import Contact, Customer
from leadflow.customers.selectors import customers_visible_to
from leadflow.customers.validators import normalize_credit_code, normalize_phone
from leadflow.deals.models import Deal, Stage
from leadflow.demo import data
from leadflow.demo import generate as generate_module
from leadflow.demo.bulk import converter
from leadflow.demo.company import DEMO_LOGINS, FLAGSHIP_CUSTOMER
from leadflow.demo.generate import NotEmpty, demo_reset, generate, reset_plan
from leadflow.orders.models import Order, Payment
from leadflow.org.models import Department, Role, User
from leadflow.workcalendar.calendar import is_workday

TODAY = dt.date(2026, 6, 30)
NOW = dt.datetime(2026, 6, 30, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def demo(db):
    return generate(scale="tiny", seed=3, today=TODAY)


def digest() -> str:
    """A fingerprint of the generated company: names, codes, phones, owners and the timeline."""
    h = hashlib.sha256()
    for row in Customer.objects.order_by("id").values_list(
        "id",
        "name",
        "credit_code",
        "phone",
        "address",
        "status",
        "owner__username",
        "first_contact_at",
        "last_activity_at",
    ):
        h.update(repr(row).encode())
    for row in Contact.objects.order_by("id").values_list("customer_id", "name", "mobile", "phone"):
        h.update(repr(row).encode())
    for row in Activity.objects.order_by("id").values_list("customer_id", "kind", "occurred_at", "text"):
        h.update(repr(row).encode())
    for row in Order.objects.order_by("id").values_list("number", "total"):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_it_creates_the_fixed_users_with_their_roles_and_teams(demo):
    users = {u.username: u for u in User.objects.select_related("team__branch__region", "region")}
    assert {name for name, _ in DEMO_LOGINS} <= set(users)
    admin, director, manager1 = users["admin"], users["director"], users["manager1"]
    assert admin.is_superuser and admin.is_staff and admin.role == Role.ADMIN
    assert (
        director.role == Role.DIRECTOR
        and director.region.name == "华东"
        and director.region.owner_id == director.pk
    )
    assert manager1.role == Role.MANAGER and manager1.team.manager_id == manager1.pk
    assert manager1.team.branch.name == "杭州仓山店"
    for rep in ("rep1", "rep2"):
        assert users[rep].role == Role.REP and users[rep].team_id == manager1.team_id
    assert users["rep3"].role == Role.REP and users["rep3"].team.branch.name == "苏州相城店"
    assert users["finance"].role == Role.FINANCE and users["finance"].region is None
    assert User.objects.filter(role=Role.REP, team__isnull=False).count() == 30
    assert {b.name for b in manager1.team.branch.region.branches.all()} >= {"杭州仓山店", "苏州相城店"}
    for name, _ in DEMO_LOGINS:
        assert users[name].check_password(settings.LEADFLOW_DEMO_PASSWORD)


def test_it_shows_rep1_only_own_customers_and_manager1_the_teams(demo):
    rep1, rep2, manager1 = (User.objects.get(username=n) for n in ("rep1", "rep2", "manager1"))
    mine = set(customers_visible_to(rep1).values_list("pk", flat=True))
    assert mine and mine == set(Customer.objects.filter(owner=rep1).values_list("pk", flat=True))
    team = set(customers_visible_to(manager1).values_list("pk", flat=True))
    assert team == set(Customer.objects.filter(owner__in=[rep1, rep2]).values_list("pk", flat=True))
    assert Customer.objects.filter(owner=rep2).exists()
    assert team < set(Customer.objects.values_list("pk", flat=True))


def test_it_gives_rep1_a_customer_with_a_long_timeline(demo):
    flagship = Customer.objects.get(name=FLAGSHIP_CUSTOMER)
    assert flagship.owner.username == "rep1"
    assert flagship.activities.count() >= 100
    assert set(flagship.activities.values_list("kind", flat=True)) >= {
        "visit",
        "call",
        "chat",
        "order",
        "payment",
    }


def test_it_gives_every_customer_a_valid_credit_code_and_a_parsed_address(demo):
    codes = list(Customer.objects.exclude(credit_code=None).values_list("credit_code", "adcode"))
    assert len(codes) > 50
    for code, adcode in codes:
        assert normalize_credit_code(code) == code
        assert code[2:8] == adcode[:6]
    assert len({c for c, _ in codes}) == len(codes)
    for customer in Customer.objects.all():
        parsed = parse_address(customer.address)
        assert (customer.province, customer.city, customer.district, customer.adcode) == (
            parsed.province,
            parsed.city,
            parsed.district,
            parsed.adcode,
        )


def test_it_gives_contacts_and_customers_valid_phone_numbers_in_canonical_form(demo):
    for mobile, phone in Contact.objects.values_list("mobile", "phone"):
        if mobile:
            assert normalize_phone(mobile, kind="mobile") == mobile
        if phone:
            assert normalize_phone(phone, kind="landline") == phone
    for phone in Customer.objects.values_list("phone", flat=True):
        assert normalize_phone(phone) == phone
    assert Contact.objects.exclude(mobile="").count() > 50


def test_it_only_draws_mobiles_from_prefixes_phonenumbers_accepts():
    for prefix in data.MOBILE_PREFIXES:
        for tail in ("00000000", "54321678", "99999999"):
            assert phonenumbers.is_valid_number(phonenumbers.parse(prefix + tail, "CN")), prefix


def test_it_puts_deals_in_every_stage_of_every_pipeline(demo):
    stages = set(Stage.objects.values_list("pk", flat=True))
    assert set(Deal.objects.values_list("stage_id", flat=True)) == stages
    for deal in Deal.objects.select_related("stage"):
        assert deal.stage.pipeline_id == deal.pipeline_id
        assert (deal.closed_at is not None) == deal.stage.is_closed


def test_it_keeps_each_timeline_consistent_with_the_customer(demo):
    spans = {
        row["customer"]: row
        for row in Activity.objects.values("customer").annotate(
            first=Min("occurred_at"), last=Max("occurred_at"), n=Count("id")
        )
    }
    orders = set(Order.objects.values_list("customer_id", flat=True))
    open_deals = set(Deal.objects.filter(stage__kind=Stage.Kind.OPEN).values_list("customer_id", flat=True))
    lost_deals = set(Deal.objects.filter(stage__kind=Stage.Kind.LOST).values_list("customer_id", flat=True))
    any_deals = set(Deal.objects.values_list("customer_id", flat=True))
    tz = ZoneInfo(settings.TIME_ZONE)
    for c in Customer.objects.all():
        span = spans[c.pk]
        assert c.first_contact_at == span["first"]
        assert c.last_activity_at == span["last"] < NOW
        assert is_workday(c.first_contact_at.astimezone(tz).date())
        if c.first_visit_at:
            assert c.first_contact_at < c.first_visit_at < NOW
            assert is_workday(c.first_visit_at.astimezone(tz).date())
            assert not c.activities.filter(kind="visit", occurred_at__lt=c.first_visit_at).exists()
        else:
            assert not c.activities.filter(kind="visit").exists()
        if c.status == "lead":
            assert c.pk not in orders and c.pk not in any_deals
        elif c.status == "prospect":
            assert c.pk in open_deals and c.pk not in orders
        elif c.status == "active":
            assert c.pk in orders and c.last_activity_at > NOW - dt.timedelta(days=30)
        elif c.status == "dormant":
            assert c.last_activity_at < NOW - dt.timedelta(days=90)
        else:
            assert c.pk in lost_deals and c.pk not in open_deals and c.pk not in orders
    assert set(Customer.objects.values_list("status", flat=True)) == {
        "lead",
        "prospect",
        "active",
        "dormant",
        "lost",
    }
    assert Activity.objects.filter(kind="chat").exclude(source__in=["wecom", "dingtalk"]).count() == 0
    assert (
        Activity.objects.filter(kind="approval").exists()
        and Activity.objects.filter(kind="proposal").exists()
    )


def test_it_keeps_orders_and_payments_adding_up(demo):
    for order in Order.objects.prefetch_related("lines"):
        assert order.total == sum((line.amount for line in order.lines.all()), Decimal(0)) > 0
        paid = sum((p.amount for p in order.payments.all()), Decimal(0))
        assert paid <= order.total
        assert all(p.received_at > order.ordered_at for p in order.payments.all())
    assert Payment.objects.filter(review_status="pending").count() < Payment.objects.count()


def test_it_generates_the_same_company_for_the_same_seed(demo):
    first = digest()
    demo_reset()
    generate(scale="tiny", seed=3, today=TODAY)
    assert digest() == first
    demo_reset()
    generate(scale="tiny", seed=4, today=TODAY)
    assert digest() != first


def test_it_refuses_a_database_that_has_data(demo):
    with pytest.raises(NotEmpty):
        generate(scale="tiny", seed=3, today=TODAY)
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", scale="tiny", seed=3, stdout=io.StringIO())
    assert Customer.objects.count() == 80


def test_it_loads_with_reset_and_prints_progress_and_logins(demo):
    out = io.StringIO()
    call_command("demo", scale="tiny", seed=9, today=TODAY, reset=True, stdout=out)
    text = out.getvalue()
    assert "customers 80/80" in text and "rep1" in text and settings.LEADFLOW_DEMO_PASSWORD in text
    assert Customer.objects.count() == 80 and User.objects.filter(username="rep1").count() == 1


def test_it_converts_values_as_django_does(db):
    when = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    samples = {
        "occurred_at": when,
        "payload": {"direction": "in", "text": "价格能不能再优惠一点", "n": [1, 2]},
        "text": "电话回访",
        "customer": 7,
        "external_id": None,
    }
    for field in Activity._meta.concrete_fields:
        if field.name in samples:
            value = samples[field.name]
            ours, django = converter(field, connection)(value), field.get_db_prep_save(value, connection)
            if hasattr(django, "obj"):  # psycopg's Jsonb wrapper: COPY takes the JSON text instead
                ours, django = json.loads(ours), django.obj
            assert ours == django, field.name
    assert (
        json.loads(converter(Activity._meta.get_field("payload"), connection)(samples["payload"]))
        == samples["payload"]
    )


def test_it_keeps_configuration_when_resetting(demo):
    wiped = set(reset_plan().wipe)
    kept = {m: m.objects.count() for m in apps.get_models() if m not in wiped and not m._meta.proxy}
    demo_reset()
    assert {m: m.objects.count() for m in kept} == kept
    assert Stage.objects.exists() and Department.objects.exists()
    assert not (
        User.objects.exists()
        or Customer.objects.exists()
        or Activity.objects.exists()
        or Order.objects.exists()
    )


def test_it_unlinks_rows_of_kept_tables_instead_of_deleting_them(demo, monkeypatch):
    try:
        record_model = apps.get_model("gatekeeper", "ViolationRecord")
    except LookupError:
        pytest.skip("no gatekeeper log to keep")
    monkeypatch.setattr(generate_module, "LOGS", set())  # pretend the log were configuration
    rep1 = User.objects.get(username="rep1")
    record = record_model.objects.create(
        actor=rep1, owner=rep1, source="web", rule_key="demo", entity="customer", action="create", field="name",
        severity="block", outcome="refused", message="demo",
    )  # fmt: skip
    demo_reset()
    record.refresh_from_db()
    assert record.actor_id is None and record.owner_id is None
    generate(scale="tiny", seed=3, today=TODAY)
    assert User.objects.order_by("pk").first().pk == 1  # ids start again, so a seed gives the same ids
