"""What the demo adds after the customers' own history — commitments, escalations, tickets, held
payments, the violation log — shares these: one buffered writer in dependency order, timeline
entries that move a customer's ``last_activity_at`` as ``activity_record`` would, inbox
notifications read or unread by their age, and work-day clock helpers that use their own random
stream (the customers' stream stays as it was, so adding these rows changes no customer)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import connection

from leadflow.activities.models import Activity
from leadflow.attachments.models import Attachment
from leadflow.commitments.models import Commitment, EscalationFiring, Ticket, TicketEvent
from leadflow.customers.models import Customer
from leadflow.demo.bulk import BulkWriter, IdBlock
from leadflow.gatekeeper.models import ViolationRecord
from leadflow.ingest.models import ImportJob
from leadflow.notify.models import Notification
from leadflow.orders.models import Payment
from leadflow.workcalendar.calendar import is_workday

ORDER = [
    Attachment,
    Commitment,
    Commitment.delivery_files.through,
    EscalationFiring,
    Ticket,
    TicketEvent,
    Payment,
    Activity,
    Activity.attachments.through,
    Notification,
    ImportJob,
    ViolationRecord,
]


class Clock:
    """Work days and office hours, for any date (the generator's own table covers only the past)."""

    def __init__(self, rng: random.Random, tz: dt.tzinfo, now: dt.datetime) -> None:
        self.rng, self.tz, self.now = rng, tz, now

    def workday(self, day: dt.date, *, forward: bool = True) -> dt.date:
        step = dt.timedelta(days=1 if forward else -1)
        for _ in range(30):
            if is_workday(day):
                return day
            day += step
        return day

    def at(self, day: dt.date, hour: float) -> dt.datetime:
        minutes = round(hour * 60)
        return dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=self.tz)

    def between_hours(self, day: dt.date, lo: float, hi: float) -> dt.datetime:
        minute = self.rng.randrange(int(lo * 60), int(hi * 60))
        second = self.rng.randrange(60)
        return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, second, tzinfo=self.tz)

    def office(self, t: dt.datetime) -> dt.datetime:
        """``t`` if it falls in office hours of a work day, else early on the next work day."""
        local = t.astimezone(self.tz)
        if is_workday(local.date()) and 9 <= local.hour < 18:
            return t
        day = local.date() if local.hour < 9 else local.date() + dt.timedelta(days=1)
        return self.between_hours(self.workday(day), 9, 10.5)

    def between(self, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
        return lo + (hi - lo) * self.rng.random()


class Rows:
    def __init__(self, ids: IdBlock, rng: random.Random, now: dt.datetime) -> None:
        self.ids = ids
        self.rng = rng
        self.now = now
        self.writer = BulkWriter(ORDER)
        self.latest: dict[int, dt.datetime] = {}  # customer id → newest activity added
        self.inboxes: set[tuple[int, str]] = set()

    def add(self, model: Any, **row: Any) -> dict[str, Any]:
        row.setdefault("id", self.ids.take(model))
        return self.writer.add(model, row)

    def activity(
        self,
        *,
        customer_id: int,
        at: dt.datetime,
        kind: str,
        source: str,
        actor_id: int | None,
        text: str,
        payload: dict[str, Any],
        deal_id: int | None = None,
        attachment_ids: tuple[int, ...] = (),
        recorded_at: dt.datetime | None = None,
    ) -> int:
        row = self.add(
            Activity,
            kind=kind,
            occurred_at=at,
            recorded_at=recorded_at or at,
            source=source,
            actor_id=actor_id,
            customer_id=customer_id,
            deal_id=deal_id,
            text=text,
            payload=payload,
            external_id=None,
        )
        for attachment_id in attachment_ids:
            self.add(Activity.attachments.through, activity_id=row["id"], attachment_id=attachment_id)
        if at > self.latest.get(customer_id, at - dt.timedelta(seconds=1)):
            self.latest[customer_id] = at
        return row["id"]

    def notify(
        self,
        *,
        recipient_id: int,
        kind: str,
        title: str,
        body: str,
        url: str,
        dedupe_key: str,
        at: dt.datetime,
    ) -> None:
        """An inbox entry as ``notify`` writes it (no outbox: the demo has no channels). Older
        ones have mostly been read."""
        if (recipient_id, dedupe_key) in self.inboxes:
            return
        self.inboxes.add((recipient_id, dedupe_key))
        age = self.now - at
        chance = 0.9 if age > dt.timedelta(days=3) else 0.5 if age > dt.timedelta(days=1) else 0.15
        read_at = None
        if self.rng.random() < chance:
            read_at = min(
                self.now - dt.timedelta(minutes=1), at + dt.timedelta(minutes=self.rng.randrange(2, 30 * 60))
            )
            read_at = max(read_at, at)
        self.add(
            Notification,
            recipient_id=recipient_id,
            kind=kind,
            title=title[:200],
            body=body,
            url=url[:300],
            created_at=at,
            read_at=read_at,
            dedupe_key=dedupe_key[:200],
        )

    def flush(self) -> None:
        """Write the rows; move each touched customer's ``last_activity_at`` to its newest entry."""
        self.writer.flush()
        if not self.latest:
            return
        table = connection.ops.quote_name(Customer._meta.db_table)
        column = connection.ops.quote_name(Customer._meta.get_field("last_activity_at").column)
        convert = Customer._meta.get_field("last_activity_at").get_db_prep_save
        rows = [
            (convert(at, connection), pk, convert(at, connection)) for pk, at in sorted(self.latest.items())
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {column} = %s WHERE id = %s AND ({column} IS NULL OR {column} < %s)",  # noqa: S608
                rows,
            )
        self.latest.clear()

    @property
    def written(self) -> dict[Any, int]:
        return self.writer.written
