"""End-to-end tests: the built web app (frontend/dist) served by pytest-django's ``live_server`` and driven
by Playwright in Debian's Chromium (/usr/bin/chromium; Playwright's own browser builds are never downloaded).

The live server serves /static/ from the staticfiles finders (pytest-django wraps it in Django's
StaticFilesHandler), so the app's assets come straight from frontend/dist, which the settings add to
STATICFILES_DIRS when it exists; no collectstatic is needed. Every test here gets the ``browser`` marker and
``transactional_db`` (through ``live_server``), so what a test creates is committed and the server sees it.

Without Chromium or without a built frontend these tests are skipped, saying why; with
``SECONDO_E2E_REQUIRED=1`` (CI) they fail instead. ``SECONDO_CHROMIUM`` names another Chromium binary.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "SECONDO_CHROMIUM"
REQUIRED_ENV = "SECONDO_E2E_REQUIRED"
# Chromium runs as root here only without its sandbox; the rest keeps it off the network and quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000  # each wait and expect; the pages answer in well under a second


def chromium_path() -> str | None:
    """The Chromium to drive: ``$SECONDO_CHROMIUM`` when set, else /usr/bin/chromium, else ``chromium`` on the PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is a ``browser`` test on the real clock: the browser keeps real time, and a
    session cookie the server dated on the suite's pinned day could already have expired in it."""
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.real_clock)


@pytest.fixture(scope="session", autouse=True)
def e2e_chromium() -> str:
    """The Chromium binary, once both it and the built web app are there; else skip (fail with
    ``SECONDO_E2E_REQUIRED=1``) every browser test, saying what is missing."""
    problems = []
    chromium = chromium_path()
    if chromium is None:
        where = os.environ.get(CHROMIUM_ENV) or f"{CHROMIUM} (nor chromium on the PATH)"
        problems.append(f"Chromium, not found at {where}: apt-get install chromium")
    dist = Path(settings.FRONTEND_DIST)
    if not (dist / "index.html").is_file():
        problems.append(f"the built web app, {dist / 'index.html'} is missing: run make frontend")
    elif dist not in [Path(d) for d in settings.STATICFILES_DIRS]:
        problems.append("frontend/dist in STATICFILES_DIRS (it was built after the settings were read): run again")
    if problems:
        message = "browser tests need " + "; and ".join(problems)
        if os.environ.get(REQUIRED_ENV) == "1":
            pytest.fail(f"{message} ({REQUIRED_ENV}=1 makes this a failure, not a skip)", pytrace=False)
        pytest.skip(f"{message} (set {REQUIRED_ENV}=1 to fail instead of skipping)")
    assert chromium is not None
    return chromium


@pytest.fixture(scope="package")
def browser(e2e_chromium: str) -> Iterator[Browser]:
    """Headless Chromium, launched once for the tests of this folder and closed after them."""
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio loop running in this thread while it is started, and Django
        # refuses ORM calls (fixtures, the database flush) under a running loop. Allowed for these tests only:
        # the browser is closed, and the loop gone, before the rest of the suite runs.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=e2e_chromium, headless=True, args=CHROMIUM_ARGS)
            yield launched
            launched.close()


def _csp_violation(text: str, errors: list[str]) -> None:
    if "Content Security Policy" in text:
        errors.append(text)


def _page(browser: Browser, base_url: str, viewport: dict[str, int], **options: Any) -> Iterator[Page]:
    """A page in a fresh context (no cookies, no localStorage) on the live server, in British English; fails
    the test when the page throws an uncaught error or breaks the Content-Security-Policy."""
    context = browser.new_context(
        base_url=base_url, viewport=viewport, locale="en-GB", timezone_id="Europe/Amsterdam", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(error.stack or str(error)))
    # A script or style the Content-Security-Policy blocks is a broken page too.
    page.on("console", lambda message: _csp_violation(message.text, errors))
    yield page
    context.close()
    if errors:  # pytest.fail, not assert: an xfail(raises=AssertionError) must not swallow it
        pytest.fail("the page threw:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A desktop page (1280x800): ``page.goto("/")`` opens the app on the live server."""
    yield from _page(browser, live_server.url, DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A phone's page (390x844, touch)."""
    yield from _page(browser, live_server.url, PHONE, is_mobile=True, has_touch=True)
