"""What the browser tests do as a person would: log in, and where the screenshots for the README go."""

import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

# The README shows these; every run overwrites them.
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
# The login form's labels: a required field's label ends in " *", and "Password" alone would also match the
# button "Toggle password visibility".
EMAIL = re.compile(r"^E-mail address\b")
PASSWORD = re.compile(r"^Password\b")


def login(page: Page, email: str, password: str) -> None:
    """Fill the login form (opening the app first when the page is blank) and press "Log in" (English labels,
    as in frontend/src/i18n/en.ts). Where that leads is for the test to check."""
    if page.url == "about:blank":
        page.goto("/")
    page.get_by_label(EMAIL).fill(email)
    page.get_by_label(PASSWORD).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save the page as docs/screenshots/``name``.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page, animations="disabled")
    return path
