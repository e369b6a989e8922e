"""Escalation levels with frozen time: T−48 h remind the owner, at due tell the manager,
+72 h open a ticket for the department; each exactly once; delivery stops, rescheduling re-arms."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from leadflow.commitments import services
from leadflow.commitments.models import Commitment, DeliverableType, EscalationFiring, Ticket
from leadflow.commitments.sweeps import escalate
from leadflow.core.writes import WriteContext
from leadflow.notify.models import Notification
from leadflow.org.models import Department
from leadflow.workcalendar import calendar
from tests.factories import DealFactory

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture(autouse=True)
def _calendar():
    calendar.clear_cache()


@pytest.fixture
def engineer(cast):
    tech = Department.objects.get(code="tech-support")
    from leadflow.org.models import User

    return User.objects.create_user("engineer1", password="x", role="rep", department=tech, display_name="技术工程师")


@pytest.fixture
def poc(db):
    return DeliverableType.objects.get(code="poc_report")


def make(cast, poc, due, created):
    deal = DealFactory(customer__owner=cast.rep1)
    with time_machine.travel(created, tick=False):
        return services.commitment_create(
            deal=deal, deliverable_type=poc, title="POC 报告（监护仪）", due_at=due, ctx=WriteContext(actor=cast.rep1)
        )


def inbox(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    return list(qs.filter(kind=kind) if kind else qs)


def test_it_fires_each_level_at_its_time_and_only_once(cast, poc, engineer):
    # due Wednesday 2026-12-09 15:00, created Friday 12-04
    c = make(cast, poc, at(2026, 12, 9, 15), at(2026, 12, 4, 10))
    assert c.next_escalation_at == at(2026, 12, 7, 15)

    assert escalate(at(2026, 12, 7, 14, 59))["fired"] == {}
    assert inbox(cast.rep1) == []

    assert escalate(at(2026, 12, 7, 15))["fired"] == {"remind_owner": 1}
    reminder = inbox(cast.rep1, "commitment_reminder")
    assert len(reminder) == 1 and "POC 报告" in reminder[0].title
    assert escalate(at(2026, 12, 7, 16))["fired"] == {}  # re-run: nothing twice
    assert inbox(cast.manager1) == []

    assert escalate(at(2026, 12, 9, 15))["fired"] == {"notify_manager": 1}
    assert len(inbox(cast.manager1, "commitment_overdue")) == 1
    assert Ticket.objects.count() == 0

    # +72 h is Saturday 12-12 15:00: with work days only, the ticket opens Monday 09:00
    assert escalate(at(2026, 12, 12, 15))["fired"] == {}
    assert escalate(at(2026, 12, 14, 9))["fired"] == {"open_ticket": 1}
    ticket = Ticket.objects.get()
    assert ticket.department.code == "tech-support"
    assert ticket.owner == engineer
    assert {n.recipient for n in Notification.objects.filter(kind="ticket_opened")} == {cast.rep1, cast.manager1, engineer}
    assert escalate(at(2026, 12, 20, 9))["fired"] == {}
    assert EscalationFiring.objects.filter(commitment=c).count() == 3
    c.refresh_from_db()
    assert c.next_escalation_at is None


def test_it_fires_all_due_levels_when_the_sweep_was_down(cast, poc, engineer):
    make(cast, poc, at(2026, 12, 9, 15), at(2026, 12, 4, 10))
    assert escalate(at(2026, 12, 30, 9))["fired"] == {"remind_owner": 1, "notify_manager": 1, "open_ticket": 1}


def test_it_stops_pending_levels_on_delivery(cast, poc):
    c = make(cast, poc, at(2026, 12, 9, 15), at(2026, 12, 4, 10))
    escalate(at(2026, 12, 7, 15))
    from leadflow.attachments.services import attachment_store

    pdf = attachment_store(data=b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n", name="poc.pdf", ctx=WriteContext(actor=cast.rep1))
    with time_machine.travel(at(2026, 12, 8, 10), tick=False):
        services.commitment_deliver(commitment=c, ctx=WriteContext(actor=cast.rep1), files=[pdf])
    c.refresh_from_db()
    assert c.status == "delivered" and c.on_time is True and c.next_escalation_at is None
    assert escalate(at(2026, 12, 30, 9))["fired"] == {}
    assert inbox(cast.manager1) == []


def test_it_stops_pending_levels_on_cancel(cast, poc):
    c = make(cast, poc, at(2026, 12, 9, 15), at(2026, 12, 4, 10))
    with time_machine.travel(at(2026, 12, 5, 10), tick=False):
        services.commitment_cancel(commitment=c, reason="客户取消 POC", ctx=WriteContext(actor=cast.rep1))
    assert escalate(at(2026, 12, 30, 9))["fired"] == {}


def test_it_rearms_every_level_when_the_due_date_moves(cast, poc):
    c = make(cast, poc, at(2026, 12, 9, 15), at(2026, 12, 4, 10))
    escalate(at(2026, 12, 7, 15))
    with time_machine.travel(at(2026, 12, 8, 9), tick=False):
        c = services.commitment_reschedule(commitment=c, due_at=at(2026, 12, 16, 15), ctx=WriteContext(actor=cast.rep1))
    assert c.arm == 2
    assert c.next_escalation_at == at(2026, 12, 14, 15)
    assert escalate(at(2026, 12, 9, 15))["fired"] == {}  # old due time: nothing
    assert escalate(at(2026, 12, 14, 15))["fired"] == {"remind_owner": 1}
    assert len(inbox(cast.rep1, "commitment_reminder")) == 2  # one per arm


def test_it_moves_a_reminder_off_a_holiday_to_the_previous_work_day(cast, poc):
    # due Friday 2026-10-09 10:00; T−48 h is Wednesday 10-07, still the National Day holiday.
    # The previous work day is Wednesday 09-30.
    c = make(cast, poc, at(2026, 10, 9, 10), at(2026, 9, 25, 10))
    assert c.next_escalation_at == at(2026, 9, 30, 10)


def test_it_counts_a_make_up_saturday_as_a_work_day(cast, poc):
    # due Monday 2026-10-12 10:00; T−48 h is Saturday 10-10, a make-up work day: no shift.
    c = make(cast, poc, at(2026, 10, 12, 10), at(2026, 9, 25, 10))
    assert c.next_escalation_at == at(2026, 10, 10, 10)


def test_it_keeps_plain_times_when_work_days_only_is_off(cast, poc):
    poc.skip_non_workdays = False
    poc.save()
    c = make(cast, poc, at(2026, 12, 7, 10), at(2026, 12, 1, 10))  # T−48 h = Saturday 12-05
    assert c.next_escalation_at == at(2026, 12, 5, 10)


def test_it_skips_a_reminder_already_past_when_the_promise_is_made(cast, poc):
    c = make(cast, poc, at(2026, 12, 4, 18), at(2026, 12, 4, 10))  # due in 8 hours
    assert c.next_escalation_at == at(2026, 12, 4, 18)  # straight to the manager level at due
    assert escalate(at(2026, 12, 4, 18))["fired"] == {"notify_manager": 1}


def test_it_requires_a_file_to_deliver_when_the_type_says_so(cast, poc):
    from leadflow.core.errors import ValidationFailed

    c = make(cast, poc, at(2026, 12, 9, 15), at(2026, 12, 4, 10))
    with pytest.raises(ValidationFailed) as err:
        services.commitment_deliver(commitment=c, ctx=WriteContext(actor=cast.rep1))
    assert err.value.errors[0].field == "files"
    c.refresh_from_db()
    assert c.status == Commitment.Status.OPEN


def test_it_moves_a_weekend_reminder_forward_when_the_previous_work_day_has_passed(cast, poc):
    # made Saturday 12-05 01:00, due Tuesday 12-08 01:00: T−48 h is Sunday; Friday has passed,
    # so the reminder goes to Monday 09:00 — still before the due time.
    c = make(cast, poc, at(2026, 12, 8, 1), at(2026, 12, 5, 1))
    assert c.next_escalation_at == at(2026, 12, 7, 9)
    assert escalate(at(2026, 12, 7, 9))["fired"] == {"remind_owner": 1}
