"""Exactly-once escalation with two sweepers running at the same moment on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from leadflow.commitments import services
from leadflow.commitments.models import DeliverableType, EscalationFiring
from leadflow.commitments.sweeps import escalate
from leadflow.core.writes import WriteContext
from leadflow.notify.models import Notification
from tests.factories import DealFactory
from tests.test_worker import needs_shared_db

SH = ZoneInfo("Asia/Shanghai")


@needs_shared_db
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_fires_each_level_once_with_two_sweepers_at_once(cast):
    poc = DeliverableType.objects.get(code="poc_report")
    due = dt.datetime(2026, 12, 9, 15, tzinfo=SH)
    with time_machine.travel(dt.datetime(2026, 12, 4, 10, tzinfo=SH), tick=False):
        for i in range(60):
            deal = DealFactory(customer__owner=cast.rep1)
            services.commitment_create(
                deal=deal, deliverable_type=poc, title=f"POC {i}", due_at=due, ctx=WriteContext(actor=cast.rep1)
            )
    now = dt.datetime(2026, 12, 20, 9, tzinfo=SH)  # every level is due
    results: list[dict] = []
    barrier = threading.Barrier(2)

    def sweeper() -> None:
        barrier.wait()
        try:
            results.append(escalate(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 2
    fired = Counter()
    for r in results:
        fired.update(r["fired"])
    assert fired == {"remind_owner": 60, "notify_manager": 60, "open_ticket": 60}
    assert EscalationFiring.objects.count() == 180
    reminders = Counter(Notification.objects.filter(kind="commitment_reminder").values_list("title", flat=True))
    assert len(reminders) == 60 and set(reminders.values()) == {1}
