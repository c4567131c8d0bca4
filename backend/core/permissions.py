"""Deny by default: a view lists, per action, the roles that may perform it.

A view sets ``roles = {"list": READERS, "create": {Role.TEAM_MANAGER}, ...}``.
An action that is not in the map is refused for everyone (403). Anonymous
users get 401/403 from DRF before that. Object scoping is the queryset's job
(another client's object is simply not found: 404).
"""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from backend.accounts.roles import Role


class RolePermission(BasePermission):
    message = "Your role does not allow this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        role_map: dict[str, set[Role]] | None = getattr(view, "roles", None)
        if role_map is None:
            return False
        action = getattr(view, "action", None) or (request.method or "").lower()
        allowed = role_map.get(action)
        if not allowed:
            return False
        return bool(user.role_set & allowed)


class PublicPermission(BasePermission):
    """For the handful of endpoints anyone may call (login, CSRF cookie, health)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return True
