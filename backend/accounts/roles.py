from django.db import models


class Role(models.TextChoices):
    TEAM_MANAGER = "team_manager", "Team manager"
    SECRETARY = "secretary", "Secretary"
    CLIENT_APPROVER = "client_approver", "Client approver"
    FINANCE = "finance", "Finance"
    DIRECTOR = "director", "Director"


ALL_ROLES: frozenset[Role] = frozenset(Role)
STAFF_READERS: frozenset[Role] = frozenset({Role.TEAM_MANAGER, Role.FINANCE, Role.DIRECTOR})
# Who may see hourly employer costs and margins.
COST_READERS: frozenset[Role] = frozenset({Role.FINANCE, Role.DIRECTOR})
