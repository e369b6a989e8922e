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
        assert row["unit"] in {"ms", "rows/s"}
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
    out = io.StringIO()
    call_command(
        "bench", scale="tiny", repeat=1, ingest_rows=5, out=str(tmp_path), stdout=out, stderr=io.StringIO()
    )
    text = out.getvalue()
    assert "Reusing the dataset" in text and "customer search API" in text
    rows = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in rows} >= {
        "customer search API, 50 rows · median",
        "activity ingest via activity_record",
    }
    assert (tmp_path / "latest.md").exists()


def test_it_takes_percentiles_between_ranks():
    assert figures.percentile([1, 2, 3, 4, 5], 50) == 3
    assert figures.percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert math.isnan(figures.percentile([], 50))
