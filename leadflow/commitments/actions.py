"""What each escalation level does. Runs inside the firing transaction: notifications go to the
inbox and the outbox, delivered after commit."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from leadflow.activities.models import ActivityKind
from leadflow.activities.services import activity_record
from leadflow.commitments.models import Commitment, EscalationLevel, Ticket, TicketEvent
from leadflow.core.writes import WriteContext
from leadflow.notify.services import notify
from leadflow.org.models import Department, Role, User

Action = EscalationLevel.Action


def _due(commitment: Commitment) -> str:
    return date_format(timezone.localtime(commitment.due_at), "Y-m-d H:i")


def _url(commitment: Commitment) -> str:
    return reverse("commitments:detail", args=[commitment.pk])


def manager_of(user: User) -> User | None:
    """The direct manager; without one, the region's owner (the director)."""
    if user.direct_manager:
        return user.direct_manager
    if user.team_id and user.team.branch.region.owner_id and user.team.branch.region.owner_id != user.pk:
        return user.team.branch.region.owner
    return None


def _fallback_department() -> Department | None:
    return Department.objects.filter(code="tech-support").first()


def ticket_owner_for(department: Department) -> User | None:
    """A department's ticket owner: its manager if it has one, else its first active member."""
    members = User.objects.filter(department=department, is_active=True).order_by("pk")
    return members.filter(role=Role.MANAGER).first() or members.first()


def perform(action: str, commitment: Commitment, *, now: dt.datetime) -> None:
    key = f"commitment:{commitment.pk}:{action}:{commitment.arm}"
    if action == Action.REMIND_OWNER:
        notify(
            recipient=commitment.owner,
            kind="commitment_reminder",
            title=_("Reminder: “%(title)s” is due %(due)s") % {"title": commitment.title, "due": _due(commitment)},
            body=_("%(type)s for %(customer)s. Deliver it on time, or move the due date if the customer agreed.")
            % {"type": commitment.deliverable_type.name, "customer": commitment.customer.name},
            url=_url(commitment),
            dedupe_key=key,
        )
    elif action == Action.NOTIFY_MANAGER:
        manager = manager_of(commitment.owner)
        if manager is not None:
            notify(
                recipient=manager,
                kind="commitment_overdue",
                title=_("Overdue: %(owner)s's “%(title)s” (due %(due)s)")
                % {"owner": commitment.owner, "title": commitment.title, "due": _due(commitment)},
                body=_("%(type)s for %(customer)s has not been delivered.")
                % {"type": commitment.deliverable_type.name, "customer": commitment.customer.name},
                url=_url(commitment),
                dedupe_key=key,
            )
        notify(
            recipient=commitment.owner,
            kind="commitment_overdue",
            title=_("Overdue: “%(title)s” was due %(due)s") % {"title": commitment.title, "due": _due(commitment)},
            body=_("Your manager has been told."),
            url=_url(commitment),
            dedupe_key=key,
        )
    elif action == Action.OPEN_TICKET:
        ticket_open(commitment=commitment, now=now)
    _timeline(commitment, action)


def _timeline(commitment: Commitment, action: str) -> None:
    labels = {
        Action.REMIND_OWNER: _("Reminder sent to the owner"),
        Action.NOTIFY_MANAGER: _("Overdue: the manager was notified"),
        Action.OPEN_TICKET: _("Overdue 72 h: collaboration ticket opened"),
    }
    activity_record(
        customer=commitment.customer,
        kind=ActivityKind.COMMITMENT,
        ctx=WriteContext.system("sweep commitments.escalate"),
        deal=commitment.deal,
        text=f"{labels.get(action, action)} · {commitment.title}",
        payload={"event": "escalation", "action": action, "commitment_id": commitment.pk},
        audit=False,
        authorized=True,
    )


def ticket_open(*, commitment: Commitment, now: dt.datetime) -> Ticket:
    department = commitment.deliverable_type.department or _fallback_department()
    if department is None:
        department = Department.objects.order_by("pk").first()
    ticket = Ticket.objects.create(
        commitment=commitment,
        department=department,
        owner=ticket_owner_for(department),
        title=_("Help needed: %(title)s (%(customer)s)") % {"title": commitment.title, "customer": commitment.customer.name},
    )
    TicketEvent.objects.create(
        ticket=ticket,
        kind="created",
        at=now,
        text=_("Opened automatically: the commitment is 72 hours overdue."),
    )
    url = reverse("commitments:ticket", args=[ticket.pk])
    recipients = {commitment.owner}
    manager = manager_of(commitment.owner)
    if manager:
        recipients.add(manager)
    recipients.update(User.objects.filter(department=department, is_active=True))
    for user in recipients:
        notify(
            recipient=user,
            kind="ticket_opened",
            title=_("New collaboration ticket for %(department)s: %(title)s") % {"department": department.name, "title": commitment.title},
            body=_("Owner: %(owner)s. Customer: %(customer)s. Due was %(due)s.")
            % {"owner": commitment.owner, "customer": commitment.customer.name, "due": _due(commitment)},
            url=url,
            dedupe_key=f"ticket:{ticket.pk}",
        )
    return ticket
