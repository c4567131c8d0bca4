from django.db.models import Q, QuerySet

from backend.accounts.models import User
from backend.accounts.roles import Role


def user_list_for(*, user: User) -> QuerySet[User]:
    """Users a person may see.

    Finance and directors see everyone. A team manager sees themselves, the
    secretaries of the pools they manage, and people who hold no staff role and
    no secretary profile elsewhere (client approvers, who are organisation-wide
    like the clients, and new users without a role yet).
    """
    qs = User.objects.all()
    if user.has_role(Role.FINANCE, Role.DIRECTOR):
        return qs
    if user.has_role(Role.TEAM_MANAGER):
        no_staff_role = Q(is_team_manager=False, is_finance=False, is_director=False, is_superuser=False)
        return qs.filter(
            Q(pk=user.pk) | Q(secretary__pool__managers=user) | (no_staff_role & Q(secretary__isnull=True))
        ).distinct()
    return qs.none()


def user_placeable() -> QuerySet[User]:
    """Users a team manager may give a secretary profile: active, no profile yet, no staff role."""
    return User.objects.filter(
        is_active=True,
        secretary__isnull=True,
        is_team_manager=False,
        is_finance=False,
        is_director=False,
        is_superuser=False,
    )
