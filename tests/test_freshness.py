"""The data-freshness board: last update per region × metric × source, age in working hours,
red past the threshold, and one alert to the region owner per stale episode."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from leadflow.activities.services import activity_record
from leadflow.core.writes import WriteContext
from leadflow.gatekeeper import freshness
from leadflow.gatekeeper.models import FreshnessMark
from leadflow.gatekeeper.sweeps import freshness as freshness_sweep
from leadflow.notify.models import Notification

SH = ZoneInfo("Asia/Shanghai")


def at(*a):
    return dt.datetime(*a, tzinfo=SH)


def test_it_counts_only_working_hours(db):
    # Friday 16:00 → Monday 10:00 is 2 + 1 = 3 working hours
    assert freshness.working_hours_between(at(2026, 12, 4, 16), at(2026, 12, 7, 10)) == 3.0
    # across the National Day holiday: 09-30 17:00 → 10-08 10:00 (10-08 is a work day? no: holiday until 10-07)
    assert freshness.working_hours_between(at(2026, 9, 30, 17), at(2026, 10, 8, 10)) == 2.0
    assert freshness.working_hours_between(at(2026, 12, 7, 10), at(2026, 12, 7, 9)) == 0.0


def test_it_records_the_last_update_per_region_metric_and_source(cast, customers):
    with time_machine.travel(at(2026, 12, 4, 9, 30), tick=False):
        activity_record(customer=customers["rep1"], kind="visit", ctx=WriteContext(actor=cast.rep1, source="mobile"))
    with time_machine.travel(at(2026, 12, 4, 11, 0), tick=False):
        activity_record(customer=customers["rep4"], kind="call", ctx=WriteContext(actor=cast.rep4, source="web"))
    marks = {(m.region_key, m.metric, m.source): m.last_at for m in FreshnessMark.objects.all()}
    assert marks[(cast.east.pk, "contact", "mobile")] == at(2026, 12, 4, 9, 30)
    assert marks[(cast.south.pk, "contact", "web")] == at(2026, 12, 4, 11, 0)
    rows = freshness.board(cast.director, now=at(2026, 12, 4, 12))
    assert [(r["region"], r["metric"], r["source"], r["stale"]) for r in rows] == [("华东", "contact", "mobile", False)]


def test_it_turns_red_and_alerts_the_region_owner_once_per_episode(cast, customers):
    ctx = WriteContext(actor=cast.rep1, source="erp")
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        activity_record(customer=customers["rep1"], kind="note", ctx=ctx)
    assert freshness_sweep(at(2026, 12, 7, 13, 0)) == {"turned_red": 0, "turned_green": 0}  # 4 h: not yet
    assert freshness_sweep(at(2026, 12, 7, 13, 1)) == {"turned_red": 1, "turned_green": 0}
    assert freshness_sweep(at(2026, 12, 7, 17, 0)) == {"turned_red": 0, "turned_green": 0}  # still red: no new alert
    alerts = Notification.objects.filter(kind="freshness_stale")
    assert [n.recipient for n in alerts] == [cast.director]
    assert "华东" in alerts[0].title and "2026-12-07 09:00:00" in alerts[0].body
    row = freshness.board(cast.director, now=at(2026, 12, 7, 17))[0]
    assert row["stale"] and row["age_working_hours"] == 8.0
    with time_machine.travel(at(2026, 12, 8, 9, 0), tick=False):
        activity_record(customer=customers["rep1"], kind="note", ctx=ctx)
    assert freshness_sweep(at(2026, 12, 8, 9, 5)) == {"turned_red": 0, "turned_green": 1}
    assert freshness_sweep(at(2026, 12, 8, 14, 0))["turned_red"] == 1  # a new episode: a new alert
    assert Notification.objects.filter(kind="freshness_stale").count() == 2


def test_it_rebuilds_the_marks_from_the_data(cast, customers):
    with time_machine.travel(at(2026, 12, 4, 9, 30), tick=False):
        activity_record(customer=customers["rep1"], kind="visit", ctx=WriteContext(actor=cast.rep1, source="wecom"))
    FreshnessMark.objects.all().delete()
    freshness.rebuild()
    assert FreshnessMark.objects.filter(metric="contact", source="wecom", region_key=cast.east.pk).exists()
