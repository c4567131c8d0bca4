"""API token authentication: DRF's, the token and its user read by ``token_with_user``."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from backend.accounts.selectors import token_with_user


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's ``TokenAuthentication`` (the ``Authorization: Token <key>`` header, its messages, 401 with
    ``WWW-Authenticate: Token``), reading the token and its user in one prepared statement."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = token_with_user(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
