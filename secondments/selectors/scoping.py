"""Querysets scoped to what a user may see. Deny by default: no role, no rows.

- finance and directors see everything;
- a team manager sees the pools they manage and everything in them, and all clients;
- a secretary sees their own profile, placements and leave;
- a client approver sees the clients they approve for and those clients' placements.
"""

from django.db.models import Q, QuerySet

from backend.accounts.models import User
from backend.accounts.roles import Role
from secondments.models import Client, Leave, Placement, Pool, RateCard, Secretary


def _sees_everything(user: User) -> bool:
    return user.has_role(Role.FINANCE, Role.DIRECTOR)


def pool_list_for(*, user: User) -> QuerySet[Pool]:
    qs = Pool.objects.all()
    if _sees_everything(user):
        return qs
    if user.has_role(Role.TEAM_MANAGER):
        return qs.filter(managers=user)
    return qs.none()


def secretary_list_for(*, user: User) -> QuerySet[Secretary]:
    qs = Secretary.objects.select_related("user", "pool")
    if _sees_everything(user):
        return qs
    condition = Q(pk__in=[])
    if user.has_role(Role.TEAM_MANAGER):
        condition |= Q(pool__managers=user)
    if user.has_role(Role.SECRETARY):
        condition |= Q(user=user)
    return qs.filter(condition).distinct()


def client_list_for(*, user: User) -> QuerySet[Client]:
    qs = Client.objects.all()
    if _sees_everything(user) or user.has_role(Role.TEAM_MANAGER):
        return qs
    if user.has_role(Role.CLIENT_APPROVER):
        return qs.filter(approvers=user)
    return qs.none()


def rate_card_list_for(*, user: User) -> QuerySet[RateCard]:
    qs = RateCard.objects.select_related("pool")
    if _sees_everything(user):
        return qs
    if user.has_role(Role.TEAM_MANAGER):
        return qs.filter(pool__managers=user)
    return qs.none()


def placement_list_for(*, user: User) -> QuerySet[Placement]:
    qs = Placement.objects.select_related("secretary__user", "secretary__pool", "client")
    if _sees_everything(user):
        return qs
    condition = Q(pk__in=[])
    if user.has_role(Role.TEAM_MANAGER):
        condition |= Q(secretary__pool__managers=user)
    if user.has_role(Role.SECRETARY):
        condition |= Q(secretary__user=user)
    if user.has_role(Role.CLIENT_APPROVER):
        condition |= Q(client__approvers=user)
    return qs.filter(condition).distinct()


def leave_list_for(*, user: User) -> QuerySet[Leave]:
    qs = Leave.objects.select_related("secretary__user")
    if _sees_everything(user):
        return qs
    condition = Q(pk__in=[])
    if user.has_role(Role.TEAM_MANAGER):
        condition |= Q(secretary__pool__managers=user)
    if user.has_role(Role.SECRETARY):
        condition |= Q(secretary__user=user)
    return qs.filter(condition).distinct()
