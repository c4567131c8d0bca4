"""The one error shape (backend/core/errors.py), the health check (backend/core/views.py), the OpenAPI
schema and documentation, and the admin entrance (backend/urls.py)."""

from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.db import OperationalError
from rest_framework.test import APIClient

from backend.accounts.api import views as account_views
from backend.core import views as core_views
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = {"message": "Not found.", "extra": {"fields": {}}}
SWAGGER = "/static/drf_spectacular_sidecar/swagger-ui-dist/"


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/placements/not-a-route/x/", "/api/v2/", "/nope.txt"])
def test_an_unknown_url_is_a_json_404(path: str) -> None:
    response = APIClient().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND


def test_an_unknown_object_is_the_same_json_404(world: World, api: Any) -> None:
    response = api("team_manager").get("/api/v1/placements/999999/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_anonymous_is_refused_in_the_error_shape() -> None:
    response = APIClient().get("/api/v1/placements/")
    assert response.status_code == 403
    assert response.json() == {"message": "Authentication credentials were not provided.", "extra": {"fields": {}}}


def test_a_wrong_method_is_refused_in_the_error_shape() -> None:
    response = APIClient().get("/api/v1/auth/login/")
    assert response.status_code == 405
    assert response.json() == {"message": 'Method "GET" not allowed.', "extra": {"fields": {}}}


def test_an_unknown_field_is_refused_in_the_error_shape() -> None:
    response = APIClient().post("/api/v1/auth/login/", {"email": "a@example.org", "password": "x", "remember_me": True})
    assert response.status_code == 400
    assert response.json() == {
        "message": "Validation failed.",
        "extra": {"fields": {"remember_me": ["Unknown field."]}},
    }


def test_an_unexpected_error_is_a_json_500(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: Any, request: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(account_views.MeView, "get", boom)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(world.manager)
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"message": "Server error.", "extra": {"fields": {}}}
    assert "boom" not in response.content.decode()


def test_healthz_reports_the_database() -> None:
    response = APIClient().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    class Down:
        def cursor(self) -> Any:
            raise OperationalError("connection refused")

    monkeypatch.setattr(core_views, "connection", Down())
    response = APIClient().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "OperationalError"}
    assert "connection refused" not in response.content.decode()


def test_the_schema_is_openapi_3_and_public() -> None:
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith("openapi: 3.")
    for path in ("/api/v1/auth/login/:", "/api/v1/placements/:", "/api/v1/users/{id}/:"):
        assert f"\n  {path}\n" in text, path


def test_the_docs_are_swagger_served_from_our_own_static_files() -> None:
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<title>Secondo API</title>" in html
    assert f'src="{SWAGGER}swagger-ui-bundle.js"' in html
    assert f'href="{SWAGGER}swagger-ui.css"' in html
    # No inline script (the Content-Security-Policy allows none): the set-up script is a file of its own.
    assert "<script>" not in html
    assert '<script src="/api/docs/?script="></script>' in html
    script = APIClient().get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in script.content.decode()
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "https://"):
        assert cdn not in html, cdn
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}") is not None, asset


def test_the_admin_redirects_to_its_login() -> None:
    response = APIClient().get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    login_page = APIClient().get(response["Location"])
    assert login_page.status_code == 200
    assert login_page["Content-Type"].startswith("text/html")


def test_the_admin_login_is_locked_out_per_account_and_address() -> None:
    UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client = APIClient()

    def admin_login(password: str, ip: str) -> int:
        body = {"username": "admin@example.org", "password": password, "next": "/admin/"}
        return client.post("/admin/login/", body, format="multipart", REMOTE_ADDR=ip).status_code

    # A wrong password re-renders the form (200); the fifth failure is the JSON lockout.
    assert [admin_login("wrong-password", "10.0.0.1") for _ in range(5)] == [200, 200, 200, 200, 429]
    locked = client.post(
        "/admin/login/",
        {"username": "admin@example.org", "password": PASSWORD},
        format="multipart",
        REMOTE_ADDR="10.0.0.1",
    )
    assert locked.status_code == 429
    assert locked.json()["message"].startswith("Too many failed login attempts")
    assert admin_login(PASSWORD, "10.0.0.2") == 302


def test_without_a_build_the_front_door_says_how_to_build_the_web_app(client, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.FRONTEND_DIST = tmp_path / "dist"  # nothing built

    response = client.get("/")

    assert response.status_code == 503
    assert b"make frontend" in response.content and b'href="/api/docs/"' in response.content


def test_the_web_app_answers_its_page_for_every_client_route_with_a_csrf_cookie(client, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "index.html").write_text('<div id="root"></div><script src="/static/assets/app.js"></script>')
    settings.FRONTEND_DIST = tmp_path

    for path in ("/", "/dashboard", "/timesheets/2026-W05", "/invoices/12/"):
        response = client.get(path)
        assert (response.status_code, response["Content-Type"]) == (200, "text/html; charset=utf-8"), path
        assert response.content == b'<div id="root"></div><script src="/static/assets/app.js"></script>'
        assert "csrftoken" in response.cookies
        assert "no-cache" in response["Cache-Control"]
    assert client.post("/dashboard").status_code == 405  # a page, not a form


def test_the_api_admin_and_files_are_not_the_web_app(client, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "index.html").write_text("app")
    settings.FRONTEND_DIST = tmp_path

    assert client.get("/api/v1/nothing-here/").json()["message"]  # the API's JSON 404
    assert client.get("/favicon.ico").status_code == 404
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/admin/").status_code == 302  # the admin's login


def test_the_admin_lists_timesheets_read_only(admin_client) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.get("/admin/secondments/timesheet/")
    assert response.status_code == 200
    assert admin_client.get("/admin/secondments/timesheet/add/").status_code == 403
