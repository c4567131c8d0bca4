"""The client's IP address behind proxies (backend/core/net.py: client_ip)."""

from typing import Any

import pytest
from django.test import RequestFactory

from backend.core.net import client_ip

PROXY = "10.0.0.2"
EDGE = "10.0.0.1"


def ip(remote: str | None, forwarded: str | None = None) -> str | None:
    meta: dict[str, Any] = {}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **meta)
    if remote is None:
        del request.META["REMOTE_ADDR"]
    return client_ip(request)


@pytest.fixture
def no_proxies(settings: Any) -> None:
    settings.TRUSTED_PROXIES = []


@pytest.fixture
def proxies(settings: Any) -> None:
    settings.TRUSTED_PROXIES = [EDGE, PROXY]


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("forwarded", [None, "198.51.100.9", "198.51.100.9, 203.0.113.7", ""])
def test_without_trusted_proxies_x_forwarded_for_is_ignored(forwarded: str | None) -> None:
    assert ip("203.0.113.50", forwarded) == "203.0.113.50"


@pytest.mark.usefixtures("no_proxies")
def test_no_remote_address_gives_none() -> None:
    assert ip(None) is None
    assert ip("") is None


@pytest.mark.usefixtures("proxies")
def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address() -> None:
    assert ip("203.0.113.50", "198.51.100.9") == "203.0.113.50"


@pytest.mark.usefixtures("proxies")
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # The client forged the left-most entries; our proxy appended the real address.
        ("1.2.3.4, 203.0.113.7", "203.0.113.7"),
        ("1.2.3.4,5.6.7.8 , 203.0.113.7", "203.0.113.7"),
        # Two trusted hops: skip them from the right.
        (f"203.0.113.7, {EDGE}", "203.0.113.7"),
        (f"1.2.3.4, 203.0.113.7, {EDGE}", "203.0.113.7"),
        # A forged trusted-looking entry on the left changes nothing.
        (f"{EDGE}, 203.0.113.7", "203.0.113.7"),
    ],
)
def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(forwarded: str, expected: str) -> None:
    assert ip(PROXY, forwarded) == expected


@pytest.mark.usefixtures("proxies")
@pytest.mark.parametrize("forwarded", [None, "", " , ", f"{EDGE}, {PROXY}"])
def test_behind_a_trusted_proxy_with_no_untrusted_address_the_proxy_is_given(forwarded: str | None) -> None:
    assert ip(PROXY, forwarded) == PROXY
