from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from backend.accounts.roles import Role
from backend.core.choices import Language

ROLE_FIELDS: dict[Role, str] = {
    Role.TEAM_MANAGER: "is_team_manager",
    Role.SECRETARY: "is_secretary",
    Role.CLIENT_APPROVER: "is_client_approver",
    Role.FINANCE: "is_finance",
    Role.DIRECTOR: "is_director",
}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address and holds one or more roles."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.NL)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    # Roles: a user may hold several. Flags keep the check free of queries.
    is_team_manager = models.BooleanField(default=False)
    is_secretary = models.BooleanField(default=False)
    is_client_approver = models.BooleanField(default=False)
    is_finance = models.BooleanField(default=False)
    is_director = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def role_set(self) -> set[Role]:
        return {role for role, field in ROLE_FIELDS.items() if getattr(self, field)}

    @property
    def roles(self) -> list[str]:
        return sorted(str(role.value) for role in self.role_set)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set & set(roles))
