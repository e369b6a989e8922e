"""Row-level visibility, in one place. Every read path — pages, API, exports, search,
autocomplete — asks this module what a user may see.

- rep: the records they own;
- manager: the records owned by members of the teams they manage (and their own team);
- director: the records owned by anyone in their region;
- finance: payments and orders in their region (all regions when they have none), no customers list;
- admin: everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from leadflow.org.models import Role, User


@dataclass(frozen=True)
class Scope:
    """What a user may see, as a set of record owners. ``everything`` wins over ``owners``."""

    everything: bool = False
    owners: QuerySet | None = None  # a User id subquery, or None for nobody

    def apply(self, qs: QuerySet, owner_path: str = "owner") -> QuerySet:
        if self.everything:
            return qs
        if self.owners is None:
            return qs.none()
        return qs.filter(**{f"{owner_path}__in": self.owners})

    def allows_owner(self, owner_id: int | None) -> bool:
        if self.everything:
            return True
        if self.owners is None or owner_id is None:
            return False
        return self.owners.filter(pk=owner_id).exists()


NOBODY = Scope()
EVERYTHING = Scope(everything=True)


def _users(q: Q) -> QuerySet:
    return User.objects.filter(q).values("pk")


def _team_ids(user: User) -> list[int]:
    ids = set(user.managed_teams.values_list("pk", flat=True))
    if user.team_id:
        ids.add(user.team_id)
    return sorted(ids)


def sales_scope(user: User) -> Scope:
    """Whose customers, deals and activities ``user`` may see."""
    if not user.is_authenticated or not user.is_active:
        return NOBODY
    if user.is_admin_role:
        return EVERYTHING
    if user.role == Role.REP:
        return Scope(owners=_users(Q(pk=user.pk)))
    if user.role == Role.MANAGER:
        return Scope(owners=_users(Q(pk=user.pk) | Q(team__in=_team_ids(user))))
    if user.role == Role.DIRECTOR:
        if not user.region_id:
            return Scope(owners=_users(Q(pk=user.pk)))
        return Scope(owners=_users(Q(pk=user.pk) | Q(team__branch__region_id=user.region_id)))
    return NOBODY  # finance sees money, not the sales pipeline


def money_scope(user: User) -> Scope:
    """Whose customers' payments and orders ``user`` may see (owner = the customer's owner)."""
    if user.is_authenticated and user.is_active and user.role == Role.FINANCE:
        if user.region_id:
            return Scope(owners=_users(Q(team__branch__region_id=user.region_id)))
        return EVERYTHING
    return sales_scope(user)


def users_visible_to(user: User) -> QuerySet:
    """The colleagues ``user`` may pick as owner or filter by."""
    scope = sales_scope(user)
    if scope.everything:
        return User.objects.filter(is_active=True)
    if scope.owners is None:
        return User.objects.filter(pk=user.pk)
    return User.objects.filter(pk__in=scope.owners, is_active=True)
