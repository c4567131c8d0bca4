"""The Content-Security-Policy header (backend/core/security.py)."""

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client

from backend.core.security import ContentSecurityPolicyMiddleware


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/approvals", "/api/v1/auth/me/", "/api/docs/", "/admin/login/", "/healthz"])
def test_every_page_and_answer_carries_the_policy(path: str, settings: Any) -> None:
    response = Client().get(path)

    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in response["Content-Security-Policy"]


def test_the_policy_of_a_response_that_sets_its_own_is_kept(settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'"

    def own(request: HttpRequest) -> HttpResponse:
        response = HttpResponse()
        response["Content-Security-Policy"] = "sandbox"
        return response

    assert ContentSecurityPolicyMiddleware(own)(HttpRequest())["Content-Security-Policy"] == "sandbox"
    assert ContentSecurityPolicyMiddleware(lambda r: HttpResponse())(HttpRequest())["Content-Security-Policy"] == (
        "default-src 'self'"
    )


def test_an_empty_setting_sends_no_policy(settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = ""

    assert "Content-Security-Policy" not in ContentSecurityPolicyMiddleware(lambda r: HttpResponse())(HttpRequest())
