"""The pages outside the web app work under the Content-Security-Policy (the ``page`` fixture fails a test on
any violation the browser reports): the API documentation and the admin's login."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_its_operations(page: Page) -> None:
    response = page.goto("/api/docs/")

    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .title")).to_contain_text("Secondo API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/v1/invoice-runs/", exact=True).first).to_be_visible()


def test_the_admin_login_page_works(page: Page) -> None:
    page.goto("/admin/login/")

    expect(page.locator("#id_username")).to_be_visible()
    page.fill("#id_username", "nobody@example.org")
    page.fill("#id_password", "wrong-password-1")
    page.get_by_role("button", name=re.compile("Log in")).click()
    expect(page.locator(".errornote")).to_be_visible()
