"""Logging in, the director's revenue dashboard in English and Dutch, and logging out, in Chromium.

The data: the suite's ``world`` (every user's password is ``PASSWORD``) and one invoice of 1,100.00 net
(+ 21 % VAT) to Acme, finalised today through the billing services, so it falls in the dashboard's default
period (the twelve months up to this one) and its revenue is 1,100.00.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from billing.services.invoices import invoice_create, invoice_finalize, invoice_line_add
from tests.conftest import World
from tests.e2e.helpers import EMAIL, login, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WRONG = "E-mail address or password is wrong."  # the API's message (backend/accounts/api/views.py)


@pytest.fixture
def sales(world: World) -> World:
    """The world, with a director called Dana Director and 1,100.00 of revenue this month."""
    for user, name in [(world.director, "Dana Director"), (world.other_secretary.user, "Bram Bakker")]:
        user.full_name = name  # not the factories' random names: the screenshot stays the same
        user.save(update_fields=["full_name"])
    invoice = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=invoice,
        actor=world.finance,
        description="Minutes of the board meetings",
        quantity=Decimal(1),
        unit_price=Decimal("1100.00"),
    )
    invoice_finalize(invoice=invoice, actor=world.finance, email=False)
    return world


def _logged_in_as_director(page: Page, world: World) -> None:
    page.goto("/")
    login(page, world.director.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_a_wrong_password_shows_the_apis_message_and_stays_logged_out(page: Page, world: World) -> None:
    page.goto("/")
    form = page.get_by_role("heading", name="Log in to Secondo")
    expect(form).to_be_visible()
    screenshot(page, "login")

    login(page, world.director.email, "not-the-password")

    expect(page.get_by_role("alert")).to_have_text(WRONG)
    expect(form).to_be_visible()
    assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}
    page.reload()
    expect(form).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_the_director_lands_on_the_dashboard_and_sees_the_revenue(page: Page, sales: World) -> None:
    _logged_in_as_director(page, sales)

    expect(page.get_by_role("heading", name="Revenue dashboard")).to_be_visible()
    revenue = page.get_by_test_id("kpi-revenue")
    expect(revenue.get_by_text("Revenue, year to date", exact=True)).to_be_visible()
    expect(revenue.get_by_text("€1,100.00", exact=True)).to_be_visible()
    expect(page.get_by_role("banner").get_by_text("Dana Director")).to_be_visible()
    page.mouse.move(0, 0)  # off the chart, whose tooltip follows the pointer
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1_500)  # the revenue chart's bars grow in for about a second: let them settle
    screenshot(page, "dashboard", full_page=True)


def test_switching_the_language_to_dutch_formats_the_dashboard_in_dutch(page: Page, sales: World) -> None:
    _logged_in_as_director(page, sales)
    revenue = page.get_by_test_id("kpi-revenue")
    expect(revenue.get_by_text("€1,100.00", exact=True)).to_be_visible()

    page.get_by_role("banner").get_by_text("NL", exact=True).click()

    expect(page.get_by_role("heading", name="Omzetdashboard")).to_be_visible()
    expect(revenue.get_by_text("Omzet dit jaar", exact=True)).to_be_visible()
    expect(revenue.get_by_text("€ 1.100,00", exact=True)).to_be_visible()  # Intl's space after € is a no-break one
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.reload()  # the choice is kept in the browser
    expect(page.get_by_role("heading", name="Omzetdashboard")).to_be_visible()


def test_logging_out_ends_the_session_on_the_server(page: Page, sales: World) -> None:
    _logged_in_as_director(page, sales)

    with page.expect_response(re.compile(r"/api/v1/auth/logout/$")) as logout:
        page.get_by_role("button", name="Log out").click()
    assert logout.value.status == 204
    page.reload()

    expect(page.get_by_role("heading", name="Log in to Secondo")).to_be_visible()
    assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}


def test_logging_out_returns_to_the_login_form(page: Page, sales: World) -> None:
    _logged_in_as_director(page, sales)

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("heading", name="Log in to Secondo")).to_be_visible(timeout=5_000)
    expect(page.get_by_label(EMAIL)).to_be_visible()


def test_on_a_phone_the_dashboard_shows_the_revenue_and_the_menu_opens(phone_page: Page, sales: World) -> None:
    _logged_in_as_director(phone_page, sales)

    expect(phone_page.get_by_test_id("kpi-revenue").get_by_text("€1,100.00", exact=True)).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    dashboard_link = phone_page.get_by_role("navigation").get_by_role("link", name="Dashboard")
    expect(dashboard_link).not_to_be_in_viewport()
    phone_page.get_by_role("button", name="menu").click()
    expect(dashboard_link).to_be_in_viewport()
