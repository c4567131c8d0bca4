"""Login, logout, lockout, tokens, CSRF and user administration over the API (backend/accounts/api/views.py).

These tests use real sessions (no force_authenticate) unless they say otherwise.
"""

from typing import Any

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.accounts.services import user_update
from backend.core.models import AuditEvent
from tests.conftest import World
from tests.factories import PASSWORD, SecretaryFactory, UserFactory
from tests.openapi import documented_responses

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"
TOKEN = "/api/v1/auth/token/"
CSRF = "/api/v1/auth/csrf/"
USERS = "/api/v1/users/"
IP_A = "10.0.0.1"
IP_B = "10.0.0.2"

WRONG = {"message": "E-mail address or password is wrong.", "extra": {"fields": {}}}
LOCKED = {
    "message": "Too many failed login attempts for this account from your address. Try again later.",
    "extra": {"fields": {}},
}
NOT_LOGGED_IN = {"message": "Authentication credentials were not provided.", "extra": {"fields": {}}}
CSRF_MISSING = {"message": "CSRF Failed: CSRF token missing.", "extra": {"fields": {}}}


@pytest.fixture(autouse=True)
def _no_lockouts() -> Any:
    """Every test starts without recorded login failures."""
    axes_reset()
    yield
    axes_reset()


def login(client: APIClient, email: str, password: str = PASSWORD, ip: str = IP_A) -> Any:
    """Log in as the browser app does: fetch the CSRF token, then post the credentials with it."""
    token = client.get(CSRF, REMOTE_ADDR=ip).json()["csrf_token"]
    return client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=ip, HTTP_X_CSRFTOKEN=token)


def session_user_id(client: APIClient) -> str | None:
    return client.session.get("_auth_user_id")


# --- session login and logout ---------------------------------------------------------------------------


def test_login_returns_the_user_with_roles_and_cycles_the_session_key(world: World) -> None:
    client = APIClient()
    before_key = client.session.session_key  # the test client opens an anonymous session
    assert before_key is not None
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before_key
    events = AuditEvent.objects.count()

    response = login(client, "manager@example.org")

    assert response.status_code == 200
    assert response.json() == {
        "id": world.manager.pk,
        "email": "manager@example.org",
        "full_name": "Mira Manager",
        "language": "nl",
        "roles": ["team_manager"],
        "is_active": True,
        "secretary_id": None,
        "approver_client_ids": [],
        "managed_pool_ids": [world.pool.pk],
    }
    after_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after_key != before_key
    assert client.session.session_key == after_key
    assert not SessionStore().exists(before_key)
    assert session_user_id(client) == str(world.manager.pk)
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.first()
    assert (event.action, event.actor_id, event.object_id) == ("user.login", world.manager.pk, str(world.manager.pk))
    assert client.get(ME).json()["email"] == "manager@example.org"


def test_login_reports_every_role_of_a_user(world: World) -> None:
    secretary = world.secretary.user
    secretary.is_client_approver = True
    secretary.save()
    world.client.approvers.add(secretary)
    response = login(APIClient(), "secretary@example.org")
    assert response.status_code == 200
    body = response.json()
    assert (body["roles"], body["secretary_id"], body["approver_client_ids"], body["managed_pool_ids"]) == (
        ["client_approver", "secretary"],
        world.secretary.pk,
        [world.client.pk],
        [],
    )


def test_login_ignores_the_case_of_the_email_address(world: World) -> None:
    client = APIClient()
    assert login(client, "Manager@Example.ORG").status_code == 200
    assert session_user_id(client) == str(world.manager.pk)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("manager@example.org", "wrong-password"),
        ("nobody@example.org", PASSWORD),
        ("manager@example.org", PASSWORD.upper()),
    ],
    ids=["wrong password", "unknown e-mail", "password is case sensitive"],
)
def test_login_with_wrong_credentials_is_refused_the_same_way(world: World, email: str, password: str) -> None:
    client = APIClient()
    events = AuditEvent.objects.count()
    response = login(client, email, password)
    assert response.status_code == 400
    assert response.json() == WRONG
    assert session_user_id(client) is None
    assert client.get(ME).json() == NOT_LOGGED_IN
    assert AuditEvent.objects.count() == events


def test_an_inactive_user_cannot_log_in(world: World) -> None:
    UserFactory(email="left@example.org", is_active=False, is_team_manager=True)
    client = APIClient()
    response = login(client, "left@example.org")
    assert (response.status_code, response.json()) == (400, WRONG)
    assert session_user_id(client) is None


def test_login_needs_an_email_address_and_a_password(world: World) -> None:
    response = APIClient().post(LOGIN, {}, REMOTE_ADDR=IP_A)
    assert response.status_code == 400
    assert response.json() == {
        "message": "Validation failed.",
        "extra": {"fields": {"email": ["This field is required."], "password": ["This field is required."]}},
    }


def test_logout_ends_the_session_server_side(world: World) -> None:
    client = APIClient()
    assert login(client, "manager@example.org").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore().exists(key)

    response = client.post(LOGOUT)

    assert response.status_code == 204
    assert not SessionStore().exists(key)
    me = client.get(ME)
    assert (me.status_code, me.json()) == (403, NOT_LOGGED_IN)


def test_a_stolen_session_cookie_is_worthless_after_logout(world: World) -> None:
    client = APIClient()
    login(client, "manager@example.org")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(LOGOUT)
    thief = APIClient()
    thief.cookies[settings.SESSION_COOKIE_NAME] = key
    response = thief.get(ME)
    assert (response.status_code, response.json()) == (403, NOT_LOGGED_IN)


def test_logout_needs_a_login(world: World) -> None:
    response = APIClient().post(LOGOUT)
    assert (response.status_code, response.json()) == (403, NOT_LOGGED_IN)


# --- django-axes lockout per (account, address) ---------------------------------------------------------


def fail(client: APIClient, email: str, times: int, ip: str = IP_A) -> list[int]:
    return [login(client, email, "wrong-password", ip).status_code for _ in range(times)]


def test_five_failures_lock_the_account_from_that_address(world: World) -> None:
    client = APIClient()
    assert settings.AXES_FAILURE_LIMIT == 5
    # The fifth failure reaches the limit and is already answered with the lockout.
    assert fail(client, "manager@example.org", 5) == [400, 400, 400, 400, 429]

    response = login(client, "manager@example.org", PASSWORD, IP_A)

    assert response.status_code == 429
    assert response.json() == LOCKED
    assert session_user_id(client) is None
    assert client.get(ME).status_code == 403
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("manager@example.org", IP_A)]


def test_a_locked_account_still_logs_in_from_another_address(world: World) -> None:
    fail(APIClient(), "manager@example.org", 5, IP_A)
    client = APIClient()
    response = login(client, "manager@example.org", PASSWORD, IP_B)
    assert response.status_code == 200
    assert session_user_id(client) == str(world.manager.pk)
    # ... and the lock from address A stays.
    assert login(APIClient(), "manager@example.org", PASSWORD, IP_A).status_code == 429


def test_failures_for_another_account_do_not_lock_this_one(world: World) -> None:
    assert fail(APIClient(), "finance@example.org", 5, IP_A)[-1] == 429
    client = APIClient()
    response = login(client, "manager@example.org", PASSWORD, IP_A)
    assert response.status_code == 200
    assert session_user_id(client) == str(world.manager.pk)
    assert login(APIClient(), "finance@example.org", PASSWORD, IP_A).status_code == 429


def test_failures_count_whatever_the_case_of_the_email_address(world: World) -> None:
    client = APIClient()
    statuses = [login(client, email, "wrong-password").status_code for email in ["MANAGER@example.org"] * 2]
    statuses += fail(client, "manager@example.org", 2) + fail(client, "Manager@Example.org", 1)
    assert statuses == [400, 400, 400, 400, 429]


def test_a_successful_login_resets_the_failures(world: World) -> None:
    client = APIClient()
    assert fail(client, "manager@example.org", 4) == [400] * 4
    assert login(client, "manager@example.org").status_code == 200
    other = APIClient()
    assert fail(other, "manager@example.org", 4) == [400] * 4
    assert login(other, "manager@example.org").status_code == 200


def test_the_lockout_also_guards_the_token_endpoint(world: World) -> None:
    fail(APIClient(), "manager@example.org", 5, IP_A)
    response = APIClient().post(TOKEN, {"email": "manager@example.org", "password": PASSWORD}, REMOTE_ADDR=IP_A)
    assert (response.status_code, response.json()) == (429, LOCKED)
    assert not Token.objects.exists()


def test_token_failures_count_towards_the_lockout(world: World) -> None:
    client = APIClient()
    body = {"email": "manager@example.org", "password": "wrong-password"}
    statuses = [client.post(TOKEN, body, REMOTE_ADDR=IP_A).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert login(APIClient(), "manager@example.org", PASSWORD, IP_A).status_code == 429


# --- token authentication ------------------------------------------------------------------------------


def test_token_authenticates_requests(world: World) -> None:
    response = APIClient().post(TOKEN, {"email": "finance@example.org", "password": PASSWORD}, REMOTE_ADDR=IP_A)
    assert response.status_code == 200
    key = response.json()["token"]
    assert response.json() == {"token": Token.objects.get(user=world.finance).key}

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = client.get(ME)
    assert me.status_code == 200
    assert (me.json()["email"], me.json()["roles"]) == ("finance@example.org", ["finance"])
    assert not client.cookies.get(settings.SESSION_COOKIE_NAME)


def test_asking_again_returns_the_same_token(world: World) -> None:
    body = {"email": "finance@example.org", "password": PASSWORD}
    first = APIClient().post(TOKEN, body, REMOTE_ADDR=IP_A).json()["token"]
    second = APIClient().post(TOKEN, body, REMOTE_ADDR=IP_A).json()["token"]
    assert first == second
    assert Token.objects.count() == 1


def test_no_token_for_a_wrong_password(world: World) -> None:
    response = APIClient().post(TOKEN, {"email": "finance@example.org", "password": "nope"}, REMOTE_ADDR=IP_A)
    assert (response.status_code, response.json()) == (400, WRONG)
    assert not Token.objects.exists()


def test_an_unknown_token_is_refused(world: World) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get(ME)
    assert (response.status_code, response.json()) == (403, {"message": "Invalid token.", "extra": {"fields": {}}})


def test_token_requests_need_no_csrf_token(world: World) -> None:
    key = APIClient().post(TOKEN, {"email": "manager@example.org", "password": PASSWORD}, REMOTE_ADDR=IP_A)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key.json()['token']}")
    response = client.post(USERS, {"email": "new@example.org", "full_name": "Nieuw", "roles": ["secretary"]})
    assert response.status_code == 201
    assert User.objects.filter(email="new@example.org").exists()


# --- CSRF on session requests --------------------------------------------------------------------------


NEW_USER = {"email": "new@example.org", "full_name": "Nieuwe Secretaris", "roles": ["secretary"]}


def test_login_without_csrf_token_is_refused(world: World) -> None:
    client = APIClient(enforce_csrf_checks=True)
    events = AuditEvent.objects.count()

    response = client.post(LOGIN, {"email": "manager@example.org", "password": PASSWORD}, REMOTE_ADDR=IP_A)

    assert response.status_code == 403
    assert response.json() == {
        "message": "CSRF check failed: CSRF cookie not set.",
        "extra": {"fields": {}},
    }
    assert session_user_id(client) is None
    assert AuditEvent.objects.count() == events


def test_the_login_documents_its_csrf_refusal_and_lockout_in_the_error_shape() -> None:
    """Found by schemathesis: the login's 403 (no CSRF token) and 429 (locked out) were not in the schema."""
    error = {"$ref": "#/components/schemas/Error"}
    login_responses = documented_responses(LOGIN, "post")
    token_responses = documented_responses(TOKEN, "post")
    assert set(login_responses) == {"200", "400", "403", "429"}
    assert set(token_responses) == {"200", "400", "429"}  # no session, so no CSRF check
    for code in ("403", "429"):
        assert login_responses[code]["content"]["application/json"]["schema"] == error
    assert token_responses["429"]["content"]["application/json"]["schema"] == error


def test_a_session_post_without_csrf_token_is_refused(world: World) -> None:
    client = APIClient(enforce_csrf_checks=True)
    assert login(client, "manager@example.org").status_code == 200
    users, events = User.objects.count(), AuditEvent.objects.count()

    response = client.post(USERS, NEW_USER)

    assert (response.status_code, response.json()) == (403, CSRF_MISSING)
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_a_session_post_with_a_wrong_csrf_token_is_refused(world: World) -> None:
    client = APIClient(enforce_csrf_checks=True)
    login(client, "manager@example.org")
    client.get(CSRF)
    users = User.objects.count()
    response = client.post(USERS, NEW_USER, HTTP_X_CSRFTOKEN="x" * 32)
    assert response.status_code == 403
    assert response.json() == {
        "message": "CSRF Failed: CSRF token from the 'X-Csrftoken' HTTP header incorrect.",
        "extra": {"fields": {}},
    }
    assert User.objects.count() == users


def test_a_session_post_with_the_csrf_token_works(world: World) -> None:
    client = APIClient(enforce_csrf_checks=True)
    login(client, "manager@example.org")
    token = client.get(CSRF).json()["csrf_token"]
    assert client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(USERS, NEW_USER, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201
    assert User.objects.get(email="new@example.org").is_secretary


def test_logout_without_csrf_token_keeps_the_session(world: World) -> None:
    client = APIClient(enforce_csrf_checks=True)
    login(client, "manager@example.org")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(LOGOUT)
    assert (response.status_code, response.json()) == (403, CSRF_MISSING)
    assert SessionStore().exists(key)
    assert client.get(ME).status_code == 200
    token = client.get(CSRF).json()["csrf_token"]
    assert client.post(LOGOUT, HTTP_X_CSRFTOKEN=token).status_code == 204
    assert not SessionStore().exists(key)


def test_the_csrf_endpoint_is_public_and_sets_the_cookie() -> None:
    client = APIClient()
    response = client.get(CSRF)
    assert response.status_code == 200
    assert set(response.json()) == {"csrf_token"}
    assert client.cookies[settings.CSRF_COOKIE_NAME].value


# --- user administration: password rules and who grants which role ------------------------------------


def counts() -> tuple[int, int]:
    return User.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("email", "password", "messages"),
    [
        (
            "new@example.org",
            "12345678",
            [
                "This password is too short. It must contain at least 10 characters.",
                "This password is too common.",
                "This password is entirely numeric.",
            ],
        ),
        ("new@example.org", "password123", ["This password is too common."]),
        ("nieuwe.secretaris@example.org", "nieuwe.secretaris", ["The password is too similar to the email."]),
    ],
    ids=["short, common, numeric", "common", "like the e-mail"],
)
def test_a_weak_password_is_refused(api: Any, email: str, password: str, messages: list[str]) -> None:
    before = counts()
    response = api("team_manager").post(
        USERS, {"email": email, "full_name": "Nieuwe Secretaris", "roles": ["secretary"], "password": password}
    )
    assert response.status_code == 400
    assert response.json() == {"message": "Validation failed.", "extra": {"fields": {"password": messages}}}
    assert counts() == before


def test_a_strong_password_is_accepted_and_logs_in(api: Any) -> None:
    response = api("team_manager").post(
        USERS,
        {"email": "new@example.org", "full_name": "Nieuw", "roles": ["secretary"], "password": "tulp-gracht-7-fiets"},
    )
    assert response.status_code == 201
    assert login(APIClient(), "new@example.org", "tulp-gracht-7-fiets").status_code == 200


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (["finance"], "Only an administrator grants finance."),
        (["director"], "Only an administrator grants director."),
        (["team_manager"], "Only an administrator grants team_manager."),
        (
            ["secretary", "finance", "director", "team_manager"],
            "Only an administrator grants director, finance, team_manager.",
        ),
    ],
)
def test_a_team_manager_cannot_create_staff(api: Any, roles: list[str], message: str) -> None:
    before = counts()
    response = api("team_manager").post(USERS, {"email": "new@example.org", "full_name": "Nieuw", "roles": roles})
    assert response.status_code == 400
    assert response.json() == {"message": "Validation failed.", "extra": {"fields": {"roles": [message]}}}
    assert counts() == before


@pytest.mark.parametrize("role", ["finance", "director", "team_manager"])
def test_a_team_manager_cannot_promote_a_secretary_to_staff(world: World, api: Any, role: str) -> None:
    user = world.secretary.user
    before = counts()
    response = api("team_manager").patch(f"{USERS}{user.pk}/", {"roles": ["secretary", role]})
    assert response.status_code == 400
    assert response.json() == {
        "message": "Validation failed.",
        "extra": {"fields": {"roles": [f"Only an administrator grants {role}."]}},
    }
    user.refresh_from_db()
    assert user.roles == ["secretary"]
    assert counts() == before


def test_a_team_manager_cannot_edit_a_finance_user(world: World, api: Any) -> None:
    """Staff users lie outside a team manager's users: not found, nothing changed."""
    before = counts()
    name = world.finance.full_name
    response = api("team_manager").patch(f"{USERS}{world.finance.pk}/", {"full_name": "Gewijzigd", "is_active": False})
    assert (response.status_code, response.json()) == (404, {"message": "Not found.", "extra": {"fields": {}}})
    world.finance.refresh_from_db()
    assert (world.finance.full_name, world.finance.is_active, world.finance.roles) == (name, True, ["finance"])
    assert counts() == before


def test_a_team_manager_cannot_edit_a_secretary_of_their_pool_who_holds_finance(world: World, api: Any) -> None:
    """Visible (a secretary of their pool) but holding a staff role: refused by the service."""
    colleague = SecretaryFactory(
        pool=world.pool, user__email="dual@example.org", user__full_name="Dubbel Rol", user__is_finance=True
    )
    before = counts()
    response = api("team_manager").patch(f"{USERS}{colleague.user.pk}/", {"full_name": "Gewijzigd"})
    assert response.status_code == 403
    assert response.json() == {
        "message": "Only an administrator changes a user with staff roles.",
        "extra": {"fields": {}},
    }
    colleague.user.refresh_from_db()
    assert (colleague.user.full_name, colleague.user.roles) == ("Dubbel Rol", ["finance", "secretary"])
    assert counts() == before


def test_the_service_refuses_a_team_manager_editing_a_finance_user(world: World) -> None:
    before = counts()
    name = world.finance.full_name
    with pytest.raises(PermissionDenied, match=r"^Only an administrator changes a user with staff roles\.$"):
        user_update(user=world.finance, actor=world.manager, data={"full_name": "Gewijzigd"})
    world.finance.refresh_from_db()
    assert world.finance.full_name == name != "Gewijzigd"
    assert counts() == before


def test_a_team_manager_may_grant_secretary_and_approver(world: World, api: Any) -> None:
    response = api("team_manager").post(
        USERS, {"email": "new@example.org", "full_name": "Nieuw", "roles": ["client_approver", "secretary"]}
    )
    assert response.status_code == 201
    assert response.json()["roles"] == ["client_approver", "secretary"]
    assert not User.objects.get(email="new@example.org").has_usable_password()
