"""The demo company's commitments (承诺事项): eight weeks of promises on deals, and the days ahead.

1. Each rep has a habit — an on-time rate spread from 58% to 95% (rep1 about 82%), nudged per
   product line — so the report's rep × product line heat map has something to say.
2. Each rep makes 10–18 promises due in the last eight weeks (delivered on time, delivered late,
   still open and overdue, or cancelled with a reason) and 1–3 due in the coming days; a few fixed
   ones make sure every state is there whatever the seed: rep1 has one due within two days (its
   reminder sent), one due the day after tomorrow (on a work day its reminder falls due during the
   day: the first sweep sends it) and one just overdue (manager1 has been told); rep2 and another
   rep have promises under 72 hours overdue, and two POC reports are over 72 hours with a ticket.
3. Escalation is as the sweep would have left it had the worker run every minute up to the demo's
   "now": for each level whose time (:func:`escalation.level_time`, so the real work-day shifting)
   passed while the promise was open, a firing row, its notifications, its timeline entry — and for
   72 hours overdue a collaboration ticket for the type's department with its comments.
   ``next_escalation_at`` holds the earliest level still to come, so the first sweep after loading
   fires exactly those whose time has come since midnight, and nothing twice.
4. Only POC reports run more than 72 hours late: their tickets go to the technical-support
   department (quotes would go to sales, contract drafts to legal, as configured).

Rows are bulk-inserted; no service is called, so this costs the same at every scale.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from leadflow.attachments.models import Attachment, AttachmentKind
from leadflow.commitments import escalation
from leadflow.commitments.actions import ticket_owner_for
from leadflow.commitments.models import (
    Commitment,
    DeliverableType,
    EscalationFiring,
    EscalationLevel,
    Ticket,
    TicketEvent,
)
from leadflow.demo import data
from leadflow.demo.company import FLAGSHIP_CUSTOMER
from leadflow.demo.files import delivery_pdfs
from leadflow.demo.rows import Clock, Rows
from leadflow.org.models import Department, User

if TYPE_CHECKING:
    from leadflow.demo.generate import _Generator, _Rep

Action = EscalationLevel.Action
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
WEEKS = 8
POOL = 60  # deals kept per rep to put promises on
ATTACHMENT_KINDS = {"quote": AttachmentKind.QUOTE, "poc_report": AttachmentKind.PROPOSAL}
DUE_HOURS = (10.0, 12.0, 14.0, 15.0, 17.0, 17.5, 18.0)


@dataclass(slots=True)
class DealRef:
    """A deal a promise can be made on: open now, or won within the window."""

    id: int
    customer_id: int
    customer: str
    owner_id: int
    line: str  # product line code
    pipeline_id: int
    name: str
    opened: dt.datetime
    closed: dt.datetime | None  # when it was won; None while open


class DealPool:
    """Up to ``POOL`` deals per rep, a uniform sample at any scale (reservoir sampling)."""

    def __init__(self, rng) -> None:
        self.rng = rng
        self.deals: dict[int, list[DealRef]] = {}
        self.seen: Counter[int] = Counter()

    def offer(self, ref: DealRef) -> None:
        self.seen[ref.owner_id] += 1
        bucket = self.deals.setdefault(ref.owner_id, [])
        if len(bucket) < POOL:
            bucket.append(ref)
        else:
            j = self.rng.randrange(self.seen[ref.owner_id])
            if j < POOL:
                bucket[j] = ref


@dataclass
class _Promise:
    rep: _Rep
    deal: DealRef
    code: str
    created: dt.datetime
    due: dt.datetime
    status: str = Commitment.Status.OPEN
    delivered: dt.datetime | None = None
    cancelled: dt.datetime | None = None
    reason: str = ""
    title: str = ""


class CommitmentMaker:
    def __init__(self, gen: _Generator, rows: Rows) -> None:
        self.gen = gen
        self.rows = rows
        self.rng = gen.crng
        self.now = gen.now
        self.clock = Clock(gen.crng, gen.tz, gen.now)
        self.types = {
            t.code: t
            for t in DeliverableType.objects.filter(active=True)
            .select_related("department")
            .prefetch_related("levels")
        }
        self.kinds = [(code, w) for code, w in data.COMMITMENT_TYPES if code in self.types]
        self.support = Department.objects.filter(code="tech-support").first()
        self.members: dict[int, list[User]] = {}
        self.owners: dict[int, User | None] = {}
        self.pdfs = delivery_pdfs()
        self.users = {u.pk: u for u in User.objects.all()}
        reps = gen.reps
        spread = [0.58 + 0.37 * i / max(1, len(reps) - 1) for i in range(len(reps))]
        self.rng.shuffle(spread)
        self.habit = {r.user.pk: s for r, s in zip(reps, spread, strict=True)}
        self.habit[gen.rep1.user.pk] = 0.82
        self.line_bias = {code: self.rng.uniform(-0.1, 0.06) for code in sorted(gen.lines)}
        self.credit: dict[int, float] = {}
        gen.habits = self.habit  # the violation log leans on the same habits

    # -- choosing ------------------------------------------------------------------------------

    def run(self) -> int:
        if not self.kinds:
            return 0
        made = self._showcase()
        for rep in self.gen.reps:
            pool = self.gen.deal_pool.deals.get(rep.user.pk)
            if not pool:
                continue
            for _attempt in range(self.rng.randint(10, 18)):
                made += self._emit(self._past(rep, pool))
            for _attempt in range(self.rng.randint(1, 3)):
                made += self._emit(self._future(rep, pool))
        return made

    def _kind(self) -> str:
        codes, weights = zip(*self.kinds, strict=True)
        return self.rng.choices(codes, weights)[0]

    def _deal(self, pool: list[DealRef], created: dt.datetime, settled_by: dt.datetime) -> DealRef | None:
        """A deal open at ``created`` and not won before ``settled_by``."""
        for _attempt in range(8):
            deal = self.rng.choice(pool)
            if deal.opened + HOUR < created and (deal.closed is None or deal.closed > settled_by):
                return deal
        return None

    def _due(self, day: dt.date) -> dt.datetime:
        return self.clock.at(day, self.rng.choice(DUE_HOURS))

    def _past(self, rep: _Rep, pool: list[DealRef]) -> _Promise | None:
        rng, clock, now = self.rng, self.clock, self.now
        due = self._due(
            clock.workday(self.gen.today - dt.timedelta(days=rng.randint(1, WEEKS * 7)), forward=False)
        )
        if due >= now - HOUR:
            return None
        created = clock.office(due - dt.timedelta(days=rng.uniform(0.3, 8)))
        if created >= due - HOUR:
            created = due - dt.timedelta(hours=rng.uniform(2, 6))
        deal = self._deal(pool, created, due + 2 * HOUR)
        if deal is None:
            return None
        p = _Promise(rep, deal, "", created, due)
        if rng.random() < 0.07:
            p.status, p.reason = Commitment.Status.CANCELLED, rng.choice(data.CANCEL_REASONS)
            latest = min(due + dt.timedelta(hours=20), now - HOUR, deal.closed or now)
            p.cancelled = clock.between(created + HOUR, max(created + 2 * HOUR, latest))
        elif self._on_time(rep, deal):
            p.status = Commitment.Status.DELIVERED
            delivered = clock.office(due - dt.timedelta(hours=rng.uniform(0.2, 60)))
            if delivered > due:
                delivered = due - dt.timedelta(minutes=rng.randrange(5, 50))
            p.delivered = max(created + dt.timedelta(minutes=30), delivered)
        elif deal.closed is None and due > now - 10 * DAY and rng.random() < 0.6:
            pass  # still open, overdue
        else:
            p.status = Commitment.Status.DELIVERED
            hours = rng.uniform(0.5, 150) if rng.random() < 0.15 else rng.uniform(0.5, 60)
            p.delivered = clock.office(due + dt.timedelta(hours=hours))
            limit = min(now, deal.closed or now) - dt.timedelta(minutes=30)
            if p.delivered >= limit:
                if deal.closed is None:
                    p.status, p.delivered = Commitment.Status.OPEN, None
                else:
                    p.delivered = clock.between(due, limit)
        p.code = self._kind()
        return p

    def _on_time(self, rep: _Rep, deal: DealRef) -> bool:
        """Error diffusion rather than a coin per promise: over a dozen promises the rep's rate
        lands near their habit (nudged by the product line), not anywhere from 40% to 100%."""
        target = min(0.98, max(0.3, self.habit[rep.user.pk] + self.line_bias[deal.line]))
        credit = self.credit.get(rep.user.pk, self.rng.random()) + target
        on_time = credit >= 1
        self.credit[rep.user.pk] = credit - 1 if on_time else credit
        return on_time

    def _future(self, rep: _Rep, pool: list[DealRef]) -> _Promise | None:
        rng, clock, now = self.rng, self.clock, self.now
        due = self._due(clock.workday(self.gen.today + dt.timedelta(days=rng.randint(0, 12))))
        if due <= now + HOUR:
            due += DAY
        created = clock.office(now - dt.timedelta(days=rng.uniform(0.2, 6)))
        if created >= now:
            created = now - dt.timedelta(hours=rng.uniform(6, 30))
        still_open = [d for d in pool if d.closed is None]
        deal = self._deal(still_open, created, due) if still_open else None
        if deal is None:
            return None
        return _Promise(rep, deal, self._kind(), created, due)

    def _showcase(self) -> int:
        """The promises a first look should find, whatever the seed."""
        gen, clock, now, today = self.gen, self.clock, self.now, self.gen.today
        made = 0

        def rep_with_deals(*names: str) -> tuple[_Rep, list[DealRef]] | None:
            by_name = {r.user.username: r for r in gen.reps}
            for rep in [by_name[n] for n in names if n in by_name] + gen.reps:
                pool = [d for d in gen.deal_pool.deals.get(rep.user.pk, []) if d.closed is None]
                if pool:
                    return rep, pool
            return None

        found = rep_with_deals("rep1")
        if found:
            rep, pool = found
            flagship = [d for d in pool if d.customer == FLAGSHIP_CUSTOMER] or pool
            soon = next(
                (d for d in (today, today + DAY) if clock.workday(d) == d), today + DAY
            )  # due today or tomorrow at 17:00: within two days, reminded already
            for code, due, created_days in (
                ("quote", clock.at(soon, 17), 4),
                ("poc_report", clock.at(today + 2 * DAY, 15), 5),  # its reminder falls due later today
                (
                    "contract_draft",
                    clock.at(clock.workday(today - DAY, forward=False), 17),
                    6,
                ),  # just overdue
            ):
                created = clock.office(now - dt.timedelta(days=created_days))
                deal = self._deal(flagship, created, due) or self._deal(pool, created, due)
                if deal and code in self.types:
                    made += self._emit(_Promise(rep, deal, code, created, due))
        overdue = (
            # (reps to try, type, hours overdue at least): under 72 hours the manager has been
            # told; over 72 hours technical support has a ticket.
            (("rep2", "rep1"), "quote", 20),
            (("sunhao", "rep2"), "contract_draft", 44),
            (("rep2", "rep1"), "poc_report", 110),
            (("rep3", "guwei"), "poc_report", 140),
        )
        for names, code, hours in overdue:
            found = rep_with_deals(*names)
            if not found or code not in self.types:
                continue
            rep, pool = found
            due = clock.at(clock.workday((now - dt.timedelta(hours=hours)).date(), forward=False), 17)
            created = clock.office(due - dt.timedelta(days=7))
            deal = self._deal(pool, created, due)
            if deal:
                made += self._emit(_Promise(rep, deal, code, created, due))
        return made

    # -- writing -------------------------------------------------------------------------------

    def _title(self, p: _Promise) -> str:
        line = self.gen.lines[p.deal.line]
        product = self.rng.choice(line.products)[0].name.split("（")[0]
        return self.rng.choice(data.COMMITMENT_TITLES[p.code]).format(p=product, deal=p.deal.name)[:200]

    def _emit(self, p: _Promise | None) -> int:
        if p is None:
            return 0
        rows, rng, now = self.rows, self.rng, self.now
        if (p.delivered or p.cancelled or now) - p.due >= dt.timedelta(
            hours=72
        ) and "poc_report" in self.types:
            p.code = "poc_report"  # only POC reports run 72 hours late: their tickets go to technical support
        dtype = self.types[p.code]
        p.title = self._title(p)
        pk = self.rows.ids.take(Commitment)
        closed = p.delivered or p.cancelled
        probe = Commitment(due_at=p.due, deliverable_type=dtype, arm_started_at=p.created)
        fired: list[tuple[dt.datetime, str]] = []
        pending: list[dt.datetime] = []
        for level in dtype.levels.all():
            if not level.active:
                continue
            at = escalation.level_time(probe, level)
            if at is None:
                continue  # a reminder whose time had passed when the promise was made: moot
            if closed is not None and at >= closed:
                continue  # delivered or cancelled first: never fires
            if at <= now:
                fired.append((at, level.action))
            else:
                pending.append(at)
        owner = p.rep.user
        rows.add(
            Commitment,
            id=pk,
            deal_id=p.deal.id,
            customer_id=p.deal.customer_id,
            owner_id=owner.pk,
            deliverable_type_id=dtype.pk,
            title=p.title,
            due_at=p.due,
            status=str(p.status),
            delivered_at=p.delivered,
            cancel_reason=p.reason,
            created_by_id=owner.pk,
            arm=1,
            arm_started_at=p.created,
            next_escalation_at=min(pending) if pending and p.status == Commitment.Status.OPEN else None,
            created_at=p.created,
            updated_at=closed or p.created,
        )
        due_text = date_format(timezone.localtime(p.due), "Y-m-d H:i")
        rows.activity(
            customer_id=p.deal.customer_id,
            deal_id=p.deal.id,
            at=p.created,
            kind="commitment",
            source="mobile" if rng.random() < 0.2 else "web",
            actor_id=owner.pk,
            text=_("Promised %(type)s “%(title)s” by %(due)s")
            % {"type": dtype.name, "title": p.title, "due": due_text},
            payload={"event": "created", "commitment_id": pk, "due_at": p.due.isoformat()},
        )
        ticket = None
        for at, action in sorted(fired):
            fired_at = min(
                at + dt.timedelta(seconds=rng.randrange(3, 55)),
                now,
                (closed or now) - dt.timedelta(seconds=1),
            )
            fired_at = max(fired_at, at)
            rows.add(
                EscalationFiring, commitment_id=pk, action=action, arm=1, fired_at=fired_at, scheduled_for=at
            )
            if action == Action.OPEN_TICKET:
                ticket = self._ticket(p, pk, dtype, fired_at, due_text)
            else:
                self._notify(p, pk, dtype, action, fired_at, due_text)
            labels = {
                Action.REMIND_OWNER: _("Reminder sent to the owner"),
                Action.NOTIFY_MANAGER: _("Overdue: the manager was notified"),
                Action.OPEN_TICKET: _("Overdue 72 h: collaboration ticket opened"),
            }
            rows.activity(
                customer_id=p.deal.customer_id,
                deal_id=p.deal.id,
                at=fired_at,
                kind="commitment",
                source="system",
                actor_id=None,
                text=f"{labels[action]} · {p.title}",
                payload={"event": "escalation", "action": action, "commitment_id": pk},
            )
        if p.delivered is not None:
            stored = rng.choice(self.pdfs[p.code]) if p.code in self.pdfs else rng.choice(self.pdfs["quote"])
            short = p.deal.customer.removesuffix("有限公司")
            attachment = rows.add(
                Attachment,
                kind=str(ATTACHMENT_KINDS.get(p.code, AttachmentKind.OTHER)),
                file=stored.path,
                original_name=f"{dtype.name}-{short}-{timezone.localtime(p.delivered):%Y%m%d}.pdf",
                content_type="application/pdf",
                extension="pdf",
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by_id=owner.pk,
                uploaded_at=p.delivered,
                customer_id=p.deal.customer_id,
            )
            rows.add(Commitment.delivery_files.through, commitment_id=pk, attachment_id=attachment["id"])
            late = _(" (late)") if p.delivered > p.due else ""
            rows.activity(
                customer_id=p.deal.customer_id,
                deal_id=p.deal.id,
                at=p.delivered,
                kind="commitment",
                source="web",
                actor_id=owner.pk,
                text=_("Delivered “%(title)s”%(late)s") % {"title": p.title, "late": late},
                payload={"event": "delivered", "commitment_id": pk, "due_at": p.due.isoformat()},
                attachment_ids=(attachment["id"],),
            )
        if p.cancelled is not None:
            rows.activity(
                customer_id=p.deal.customer_id,
                deal_id=p.deal.id,
                at=p.cancelled,
                kind="commitment",
                source="web",
                actor_id=owner.pk,
                text=_("Cancelled “%(title)s”: %(reason)s") % {"title": p.title, "reason": p.reason},
                payload={"event": "cancelled", "commitment_id": pk, "due_at": p.due.isoformat()},
            )
        if ticket is not None:
            self._ticket_story(p, ticket)
        return 1

    def _notify(
        self, p: _Promise, pk: int, dtype: DeliverableType, action: str, at: dt.datetime, due: str
    ) -> None:
        """The notices of ``actions.perform`` for a reminder or an overdue notice."""
        owner, customer = p.rep.user, p.deal.customer
        key = f"commitment:{pk}:{action}:1"
        url = reverse("commitments:detail", args=[pk])
        if action == Action.REMIND_OWNER:
            self.rows.notify(
                recipient_id=owner.pk,
                kind="commitment_reminder",
                title=_("Reminder: “%(title)s” is due %(due)s") % {"title": p.title, "due": due},
                body=_(
                    "%(type)s for %(customer)s. Deliver it on time, or move the due date if the customer agreed."
                )
                % {"type": dtype.name, "customer": customer},
                url=url,
                dedupe_key=key,
                at=at,
            )
            return
        self.rows.notify(
            recipient_id=p.rep.manager.pk,
            kind="commitment_overdue",
            title=_("Overdue: %(owner)s's “%(title)s” (due %(due)s)")
            % {"owner": owner, "title": p.title, "due": due},
            body=_("%(type)s for %(customer)s has not been delivered.")
            % {"type": dtype.name, "customer": customer},
            url=url,
            dedupe_key=key,
            at=at,
        )
        self.rows.notify(
            recipient_id=owner.pk,
            kind="commitment_overdue",
            title=_("Overdue: “%(title)s” was due %(due)s") % {"title": p.title, "due": due},
            body=_("Your manager has been told."),
            url=url,
            dedupe_key=key,
            at=at,
        )

    def _ticket(self, p: _Promise, pk: int, dtype: DeliverableType, at: dt.datetime, due: str) -> dict:
        """``actions.ticket_open``: the ticket, its first event, and word to everyone concerned."""
        department = dtype.department or self.support
        if department.pk not in self.owners:
            self.owners[department.pk] = ticket_owner_for(department)
            self.members[department.pk] = list(
                User.objects.filter(department=department, is_active=True).order_by("pk")
            )
        owner = self.owners[department.pk]
        ticket = self.rows.add(
            Ticket,
            commitment_id=pk,
            department_id=department.pk,
            owner_id=owner.pk if owner else None,
            title=_("Help needed: %(title)s (%(customer)s)")
            % {"title": p.title, "customer": p.deal.customer},
            status=Ticket.Status.OPEN,
            created_at=at,
            updated_at=at,
        )
        self.rows.add(
            TicketEvent,
            ticket_id=ticket["id"],
            author_id=None,
            at=at,
            kind="created",
            text=_("Opened automatically: the commitment is 72 hours overdue."),
        )
        recipients = {p.rep.user.pk, p.rep.manager.pk} | {u.pk for u in self.members[department.pk]}
        for user_id in sorted(recipients):
            self.rows.notify(
                recipient_id=user_id,
                kind="ticket_opened",
                title=_("New collaboration ticket for %(department)s: %(title)s")
                % {"department": department.name, "title": p.title},
                body=_("Owner: %(owner)s. Customer: %(customer)s. Due was %(due)s.")
                % {"owner": p.rep.user, "customer": p.deal.customer, "due": due},
                url=reverse("commitments:ticket", args=[ticket["id"]]),
                dedupe_key=f"ticket:{ticket['id']}",
                at=at,
            )
        return ticket

    def _ticket_story(self, p: _Promise, ticket: dict) -> None:
        """The engineer takes the ticket, the rep chases, the report is done with the delivery."""
        rng, clock, now = self.rng, self.clock, self.now
        engineer = self.users.get(ticket["owner_id"]) if ticket["owner_id"] else None
        rep = p.rep.user
        events: list[tuple[dt.datetime, int | None, str, str]] = []  # (at, author, kind, text)
        status: str = Ticket.Status.OPEN.value
        taken = clock.office(ticket["created_at"] + dt.timedelta(hours=rng.uniform(0.5, 4)))
        end = p.delivered or now
        if engineer and taken < end:
            colleagues = [u for u in self.members.get(ticket["department_id"], []) if u.pk != engineer.pk]
            colleague = rng.choice(colleagues).display_name if colleagues else engineer.display_name
            text = rng.choice(data.TICKET_TAKEN).format(engineer=colleague, customer=p.deal.customer)
            events.append((taken, engineer.pk, "comment", text))
            events.append(
                (
                    taken + dt.timedelta(seconds=20),
                    engineer.pk,
                    "status",
                    f"{status} → {Ticket.Status.IN_PROGRESS.value}",
                )
            )
            status = Ticket.Status.IN_PROGRESS.value
            if rng.random() < 0.7:
                chased = clock.between(taken, end)
                events.append((chased, rep.pk, "comment", rng.choice(data.TICKET_CHASED)))
        if p.delivered is not None and status == Ticket.Status.IN_PROGRESS:
            done = max(taken + HOUR, p.delivered - dt.timedelta(hours=rng.uniform(0.5, 3)))
            if done < p.delivered:
                events.append((done, engineer.pk, "comment", data.TICKET_DONE.format(rep=rep)))
            resolved = p.delivered + dt.timedelta(minutes=rng.randrange(10, 90))
            if resolved < now:
                events.append((resolved, engineer.pk, "status", f"{status} → {Ticket.Status.RESOLVED.value}"))
                status = Ticket.Status.RESOLVED.value
                closed = resolved + dt.timedelta(hours=rng.uniform(1, 30))
                if closed < now and rng.random() < 0.7:
                    events.append((closed - dt.timedelta(seconds=30), rep.pk, "comment", data.TICKET_CLOSED))
                    events.append((closed, rep.pk, "status", f"{status} → {Ticket.Status.CLOSED.value}"))
                    status = Ticket.Status.CLOSED.value
        events = [e for e in events if e[0] < now]
        for at, author, kind, text in sorted(events, key=lambda e: e[0]):
            self.rows.add(TicketEvent, ticket_id=ticket["id"], author_id=author, at=at, kind=kind, text=text)
        ticket["status"] = status
        if events:
            ticket["updated_at"] = max(e[0] for e in events)


def add_commitments(gen: _Generator, rows: Rows) -> int:
    """Write the commitments, escalations, tickets and notices; returns the number of commitments."""
    return CommitmentMaker(gen, rows).run()
