"""activity_record: the timeline's one way in, idempotent on (source, external_id)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from leadflow.activities.models import Activity
from leadflow.activities.services import activity_record
from leadflow.audit.models import AuditEntry
from leadflow.core.errors import Forbidden, ValidationFailed
from leadflow.core.writes import WriteContext


@pytest.fixture
def wecom(cast):
    return WriteContext(actor=cast.rep1, source="wecom", path="ingest:wecom")


def test_it_stores_the_same_item_once(cast, customers, wecom):
    customer = customers["rep1"]
    first, created = activity_record(
        customer=customer, kind="chat", ctx=wecom, text="在吗", external_id="msg-1"
    )
    again, created_again = activity_record(
        customer=customer, kind="chat", ctx=wecom, text="在吗（重发）", external_id=" msg-1 "
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and Activity.objects.count() == 1
    assert AuditEntry.objects.filter(entity="activities.activity").count() == 1


def test_it_returns_the_winners_row_when_it_loses_an_insert_race(cast, customers, wecom, monkeypatch):
    customer = customers["rep1"]
    winner, _ = activity_record(customer=customer, kind="chat", ctx=wecom, external_id="msg-2")
    # The loser's pre-check ran before the winner committed: it sees nothing and inserts.
    real_first = QuerySet.first
    calls = []

    def first_misses_once(self):
        calls.append(1)
        return None if len(calls) == 1 else real_first(self)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)
    loser, created = activity_record(customer=customer, kind="chat", ctx=wecom, external_id="msg-2")
    assert (loser.pk, created) == (winner.pk, False)
    assert Activity.objects.count() == 1


def test_it_moves_the_customers_last_activity_forward_only(cast, customers, wecom):
    customer = customers["rep1"]
    now = timezone.now()
    activity_record(customer=customer, kind="visit", ctx=wecom, occurred_at=now - dt.timedelta(days=1))
    activity_record(customer=customer, kind="note", ctx=wecom, occurred_at=now - dt.timedelta(days=5))
    customer.refresh_from_db()
    assert customer.last_activity_at == now - dt.timedelta(days=1)


def test_it_refuses_unknown_kinds_future_times_and_invisible_customers(cast, customers, wecom):
    with pytest.raises(ValidationFailed):
        activity_record(customer=customers["rep1"], kind="telepathy", ctx=wecom)
    with pytest.raises(ValidationFailed):
        activity_record(
            customer=customers["rep1"],
            kind="visit",
            ctx=wecom,
            occurred_at=timezone.now() + dt.timedelta(days=1),
        )
    with pytest.raises(Forbidden):
        activity_record(customer=customers["rep3"], kind="visit", ctx=wecom)
    assert not Activity.objects.exists()
