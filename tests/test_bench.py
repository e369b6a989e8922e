"""The bench harness on the tiny demo dataset: figures are well-formed, both sides return the same
rows, and nothing is left behind. No timing is asserted."""

from __future__ import annotations

import datetime as dt
import io
import json
import math

import pytest
from django.core.management import call_command
from django.db.models import Count

from bench import figures, report
from leadflow.activities.models import Activity
from leadflow.audit.models import AuditEntry
from leadflow.customers.models import Customer
from leadflow.demo.generate import generate
from leadflow.org.models import ApiToken, User

ROW_KEYS = {"name", "value", "unit", "baseline", "baseline_value", "ratio"}


@pytest.fixture
def tiny(db):
    generate(scale="tiny", seed=2, today=dt.date(2026, 6, 30))
    return User.objects.get(username="director")


def _well_formed(rows: list[figures.Figure]) -> None:
    assert rows
    for f in rows:
        row = f.row()
        assert set(row) == ROW_KEYS
        assert isinstance(row["name"], str) and row["name"]
        assert row["unit"] in {"ms", "rows/s", "msg/s"}
        for key in ("value", "baseline_value", "ratio"):
            assert isinstance(row[key], float) and math.isfinite(row[key]) and row[key] >= 0, (
                row["name"],
                key,
            )
        json.dumps(row)


def test_it_measures_search_against_the_same_rows_from_hand_written_sql(tiny):
    queries = figures.search_queries(tiny)
    assert "" in queries and len(queries) >= 6
    rows = figures.search_figures(user=tiny, queries=queries, repeat=2)
    _well_formed(rows)
    per_query = rows[0].detail["queries"]
    assert [q["q"] for q in per_query][0] == "(browse)"
    assert all(q["same_rows"] for q in per_query), per_query
    assert any(q["rows"] > 0 for q in per_query[1:])  # the queries find something
    assert not ApiToken.objects.filter(name="bench").exists()


def test_it_measures_the_timeline_of_the_longest_customer(tiny):
    customer = Customer.objects.annotate(n=Count("activities")).order_by("-n").first()
    rows = figures.timeline_figures(user=tiny, customer=customer, repeat=2)
    _well_formed(rows)
    detail = rows[0].detail
    assert detail["same_page"] and detail["same_rows"]
    assert detail["count_in_api"] == detail["activities"] == customer.activities.count() >= 100


def test_it_measures_ingest_and_leaves_nothing_behind(tiny):
    rep1 = User.objects.get(username="rep1")
    customer = Customer.objects.filter(owner=rep1).order_by("id").first()
    before = (Activity.objects.count(), AuditEntry.objects.count(), customer.last_activity_at)
    rows = figures.ingest_figures(user=rep1, customer=customer, rows=12)
    _well_formed(rows)
    assert rows[0].detail["stored"] == rows[0].detail["audited"] == 12
    customer.refresh_from_db()
    assert (Activity.objects.count(), AuditEntry.objects.count(), customer.last_activity_at) == before


def test_it_measures_the_sweep_over_a_small_and_a_large_table_and_cleans_up(tiny):
    from leadflow.commitments.models import Commitment, DeliverableType, EscalationFiring
    from leadflow.notify.models import Notification

    def state():
        return (
            Commitment.objects.count(),
            Notification.objects.count(),
            Activity.objects.count(),
            EscalationFiring.objects.count(),
        )

    before = state()
    rows = figures.sweep_figures(total=60, small=20, due=5, repeat=2)
    _well_formed(rows)
    detail = rows[0].detail
    assert detail["table_rows"] == {
        "small, before": before[0] + 20,
        "large": before[0] + 60,
        "small, after": before[0] + 20,
    }
    assert detail["reminders_fired_per_run"] == [5]
    assert [len(r) for r in detail["runs_s"].values()] == [2, 2, 2]
    assert all(detail["checks"].values()), detail["checks"]
    assert report.mismatches(rows) == []
    # Rolled back and deleted: the database is as before.
    assert state() == before
    assert not DeliverableType.objects.filter(code=figures.SWEEP_TYPE).exists()


def test_it_measures_notifications_through_the_outbox_to_a_local_webhook(tiny):
    from django_tasks_db.models import DBTaskResult

    from leadflow.notify.models import Channel, Notification, OutboxMessage

    def state():
        return [m.objects.count() for m in (Channel, Notification, OutboxMessage, DBTaskResult, User)]

    before = state()
    rows = figures.notify_figures(messages=6)
    _well_formed(rows)
    detail = rows[0].detail
    assert detail["sent"] == detail["inbox"] == 6  # (the test's transaction never commits: no jobs queued)
    assert detail["webhook_received"] == 18  # plain POSTs before and after, and Leadflow's
    assert all(detail["checks"].values()), detail["checks"]
    assert state() == before


def test_it_measures_the_gate_overhead_of_three_writes_and_leaves_nothing(tiny):
    from leadflow.gatekeeper.models import ViolationRecord
    from leadflow.orders.models import CustomerPaymentMonth, Payment

    def state():
        return (Payment.objects.count(), Customer.objects.count(), ViolationRecord.objects.count())

    before = state()
    rows = figures.gate_figures(repeat=2)
    _well_formed(rows)
    assert [r.name.split(": ")[1].split(" ")[0] for r in rows] == [
        "payment_create",
        "customer_create",
        "customer_update",
    ]
    detail = rows[0].detail
    assert "payment-outlier" in detail["rules"] and "first-contact-before-visit" in detail["rules"]
    assert detail["held"] == 0 and CustomerPaymentMonth.objects.exists()
    assert state() == before
    assert not AuditEntry.objects.filter(path=figures.GATE_PATH).exists()


def test_it_writes_json_rows_and_a_markdown_table(tiny, tmp_path):
    rows = figures.timeline_figures(user=tiny, customer=Customer.objects.order_by("id").first(), repeat=1)
    json_path, md_path = report.write(rows, {"database": "test"}, tmp_path)
    written = json.loads(json_path.read_text(encoding="utf-8"))
    assert [set(r) for r in written] == [ROW_KEYS] * len(rows)
    assert md_path.read_text(encoding="utf-8").count("\n| timeline") == len(rows)
    assert "Leadflow" in report.table(rows).splitlines()[0]
    assert report.mismatches(rows) == []


def test_it_runs_as_a_command_on_an_existing_dataset(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("LEADFLOW_BENCH_CHILD", "1")  # measure here, in the test database
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "bench",
        scale="tiny",
        repeat=1,
        ingest_rows=5,
        sweep_total=30,
        sweep_small=10,
        sweep_due=3,
        sweep_repeat=1,
        notify_messages=3,
        gate_repeat=1,
        out=str(tmp_path),
        stdout=out,
        stderr=err,
    )
    text = out.getvalue()
    assert "Reusing the dataset" in text and "customer search API" in text
    rows = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in rows} >= {
        "customer search API, 50 rows · median",
        "activity ingest via activity_record",
        "notifications via outbox, notify → delivered",
        "gatekeeper: payment_create with the default rules · median",
        "gatekeeper: customer_update with the default rules · median",
    }
    assert any(r["name"].startswith("escalation sweep, 3 due of ") for r in rows)
    assert "disagree" not in err.getvalue(), err.getvalue()
    assert (tmp_path / "latest.md").exists()


def test_it_takes_percentiles_between_ranks():
    assert figures.percentile([1, 2, 3, 4, 5], 50) == 3
    assert figures.percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert math.isnan(figures.percentile([], 50))
