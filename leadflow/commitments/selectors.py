from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from leadflow.commitments.models import Commitment, Ticket
from leadflow.core.errors import NotFound
from leadflow.org.models import User
from leadflow.org.visibility import sales_scope


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    return sales_scope(user).apply(Commitment.objects.all(), "owner")


def commitment_get(user: User, pk: int) -> Commitment:
    try:
        return (
            commitments_visible_to(user)
            .select_related("deliverable_type", "customer", "deal", "owner")
            .prefetch_related("files", "delivery_files", "tickets")
            .get(pk=pk)
        )
    except (Commitment.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Commitment not found.")) from None


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    """The commitment's owner and whoever sees them (manager, director), plus the ticket's department."""
    scope = sales_scope(user)
    if scope.everything:
        return Ticket.objects.all()
    cond = Q(pk__in=[])
    if scope.owners is not None:
        cond |= Q(commitment__owner__in=scope.owners)
    if user.is_authenticated and user.department_id:
        cond |= Q(department_id=user.department_id)
    if user.is_authenticated:
        cond |= Q(owner=user)
    return Ticket.objects.filter(cond)


def ticket_get(user: User, pk: int) -> Ticket:
    try:
        return tickets_visible_to(user).select_related("commitment", "commitment__customer", "department", "owner").get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Ticket not found.")) from None
