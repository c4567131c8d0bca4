"""The whole journey in Chromium, each step through the web app, from placing a secretary to the director's
revenue, with the database checked after each step.

1. The team manager searches the availability, places the secretary with Acme for more hours a week than
   she has free, sees the overbooking warning and places her anyway with a reason.
2. The secretary enters 22 hours in a week of last month (the placement starts that week) and submits the
   month's timesheet.
3. The approver rejects it (Friday was a day off); the secretary clears Friday and submits again (in the
   web app too); the approver approves the 20 hours.
4. Finance runs the invoicing of last month and finalises the draft: 20 h x 55.00 = 1,100.00 net.
5. The approver downloads the invoice's PDF.
6. The director sees the 1,100.00 as revenue on the dashboard.

The dates follow the real clock: the placement starts on the first Monday of last month, whose week lies
wholly in that month, so its (monthly) timesheet is in the past and last month is what the run invoices
by default.
"""

import datetime
import logging
import re
import time
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from backend.accounts.models import User
from billing.models import Invoice, InvoiceStatus
from secondments.models import Client, Placement, Secretary, Timesheet, TimesheetStatus
from tests.e2e.helpers import login, screenshot
from tests.factories import PASSWORD, ClientFactory, PoolFactory, RateCardFactory, SecretaryFactory, UserFactory

pytestmark = pytest.mark.browser

WAIT_MS = 15_000
REASON_OVERRIDE = "Acme's annual report: she agreed to work extra hours these weeks."
REASON_REJECT = "Friday was a day off: please remove those hours."
HOURS = ["5", "5", "5", "5", "2"]  # Monday to Friday: 22 h, of which Friday's 2 h are rejected


@dataclass
class Cast:
    manager: User
    secretary: Secretary
    client: Client
    approver: User
    finance: User
    director: User


def first_monday_of_last_month(today: datetime.date) -> datetime.date:
    first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7)


def friday_four_weeks_on(monday: datetime.date) -> datetime.date:
    return monday + datetime.timedelta(weeks=4, days=-3)


def whole_page_screenshot(page: Page, name: str) -> None:
    """The whole page in a viewport as tall as it (a full-page screenshot would draw the fixed header halfway)."""
    viewport = page.viewport_size
    assert viewport is not None
    page.set_viewport_size({"width": viewport["width"], "height": page.evaluate("document.body.scrollHeight")})
    screenshot(page, name)
    page.set_viewport_size(viewport)


@pytest.fixture
def cast(transactional_db: object) -> Cast:
    """A pool with its manager and one secretary (36 h contract, 16 h base workload: 20 h a week free) and a
    rate card of 55.00 for tenants; Acme with its approver; finance and a director. Password: ``PASSWORD``."""
    manager = UserFactory(email="manager@example.org", full_name="Mira Manager", is_team_manager=True)
    pool = PoolFactory(name="Front office", managers=[manager])
    RateCardFactory(pool=pool, client_kind="tenant", hourly_rate="55.00")
    secretary = SecretaryFactory(
        pool=pool,
        user__email="secretary@example.org",
        user__full_name="Sanne Secretaris",
        contract_hours=Decimal("36.00"),
        base_workload_hours=Decimal("16.00"),
    )
    approver = UserFactory(email="approver@example.org", full_name="Arie Approver", is_client_approver=True)
    client = ClientFactory(legal_name="Acme B.V.", approvers=[approver])
    return Cast(
        manager=manager,
        secretary=secretary,
        client=client,
        approver=approver,
        finance=UserFactory(email="finance@example.org", full_name="Fenna Finance", is_finance=True),
        director=UserFactory(email="director@example.org", full_name="Dana Director", is_director=True),
    )


def log_in(page: Page, user: User) -> None:
    page.goto("/")
    login(page, user.email, PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=WAIT_MS)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Secondo")).to_be_visible(timeout=WAIT_MS)


def place_with_override(page: Page, cast: Cast, monday: datetime.date) -> Placement:
    log_in(page, cast.manager)
    page.goto("/place")
    expect(page.get_by_role("heading", name="Place a secretary", exact=True)).to_be_visible(timeout=WAIT_MS)
    page.get_by_label(re.compile(r"^Hours a week")).fill("8")
    page.get_by_label(re.compile(r"^From")).fill(monday.isoformat())
    page.get_by_label(re.compile(r"^From")).press("Escape")
    page.get_by_label(re.compile(r"^To\b")).fill(friday_four_weeks_on(monday).isoformat())
    page.get_by_label(re.compile(r"^To\b")).press("Escape")
    page.get_by_role("button", name="Search", exact=True).click()

    row = page.get_by_role("row").filter(has_text="Sanne Secretaris")
    expect(row).to_be_visible(timeout=WAIT_MS)
    row.get_by_role("button", name="Place", exact=True).click()

    expect(page.get_by_role("heading", name="Place Sanne Secretaris")).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("combobox", name=re.compile(r"^Client")).click()
    page.get_by_role("option", name="Acme B.V.").click()
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_label(re.compile(r"^Start date"))).to_have_value(monday.isoformat(), timeout=WAIT_MS)
    page.get_by_role("button", name="Next", exact=True).click()
    hours = page.get_by_label(re.compile(r"^Hours a week"))
    expect(hours).to_have_value("8", timeout=WAIT_MS)
    expect(page.get_by_label(re.compile(r"^Hourly rate"))).to_have_value("€ 55.00", timeout=WAIT_MS)
    hours.fill("24")  # 4 h a week more than she has free
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Place", exact=True).click()

    warning = page.get_by_test_id("overbooked")
    expect(warning).to_be_visible(timeout=WAIT_MS)
    expect(warning).to_contain_text("Not enough free capacity")
    expect(warning).to_contain_text(f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}: 4.00 h short")
    warning.get_by_label(re.compile(r"^Reason to place anyway")).fill(REASON_OVERRIDE)
    whole_page_screenshot(page, "place-wizard")
    warning.get_by_role("button", name="Place anyway").click()
    expect(page.get_by_text(re.compile(r"Sanne Secretaris works 24(\.00)? h a week for Acme B\.V\."))).to_be_visible(
        timeout=WAIT_MS
    )

    placement = Placement.objects.get(secretary=cast.secretary, client=cast.client)
    assert placement.start_date == monday
    assert placement.end_date == friday_four_weeks_on(monday)
    assert placement.hours_per_week == Decimal("24.00")
    assert [o.reason for o in placement.capacity_overrides.all()] == [REASON_OVERRIDE]
    # the pool board shows her row
    page.get_by_role("navigation").get_by_role("link", name="Pool board").click()
    expect(page.get_by_role("heading", name="Pool board", exact=True)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("Sanne Secretaris").first).to_be_visible(timeout=WAIT_MS)
    screenshot(page, "board", full_page=True)
    log_out(page)
    return placement


def grid_cells(page: Page) -> Locator:
    return page.get_by_role("textbox", name=re.compile(r"^Acme B\.V\. "))


def submit_week(page: Page) -> None:
    page.get_by_role("button", name="Submit week…").click()
    dialog = page.get_by_role("dialog", name="Submit for approval")
    dialog.get_by_role("checkbox").check()  # the month's sheet runs past this week: not ticked by default
    dialog.get_by_role("button", name="Submit 1 timesheet").click()
    expect(dialog).to_be_hidden(timeout=WAIT_MS)


def enter_and_submit_hours(page: Page, cast: Cast, monday: datetime.date) -> Timesheet:
    log_in(page, cast.secretary.user)
    iso_year, iso_week, _ = monday.isocalendar()
    page.goto(f"/timesheets?week={iso_year}-W{iso_week:02d}")
    cells = grid_cells(page)
    expect(cells).to_have_count(7, timeout=WAIT_MS)
    for day, hours in enumerate(HOURS):
        cells.nth(day).fill(hours)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_disabled(timeout=WAIT_MS)
    expect(page.get_by_role("region", name="Timesheets of this week")).to_contain_text("22", timeout=WAIT_MS)
    screenshot(page, "week-grid", full_page=True)
    submit_week(page)

    sheet = Timesheet.objects.get(placement__secretary=cast.secretary)
    _wait_for_status(sheet, TimesheetStatus.SUBMITTED)
    assert sheet.hours_total == Decimal("22.00")
    log_out(page)
    return sheet


def _wait_for_status(sheet: Timesheet, status: str, seconds: float = 15) -> None:
    """The browser shows the answer before the test reads the database; a short poll covers slow machines."""
    deadline = time.monotonic() + seconds
    while True:
        sheet.refresh_from_db()
        if sheet.status == status or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert sheet.status == status


def reject(page: Page, cast: Cast, sheet: Timesheet) -> None:
    log_in(page, cast.approver)
    page.goto("/approvals")
    row = page.get_by_test_id(f"sheet-{sheet.pk}")
    expect(row).to_be_visible(timeout=WAIT_MS)
    expect(row).to_contain_text("Sanne Secretaris")
    screenshot(page, "approvals", full_page=True)
    row.get_by_role("button", name="Reject", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(re.compile(r"^Reason")).fill(REASON_REJECT)
    dialog.get_by_role("button", name="Reject hours").click()
    expect(row).to_have_count(0, timeout=WAIT_MS)
    _wait_for_status(sheet, TimesheetStatus.REJECTED)
    assert sheet.rejection_reason == REASON_REJECT
    log_out(page)


def fix_and_resubmit(page: Page, cast: Cast, sheet: Timesheet, monday: datetime.date) -> None:
    log_in(page, cast.secretary.user)
    iso_year, iso_week, _ = monday.isocalendar()
    page.goto(f"/timesheets?week={iso_year}-W{iso_week:02d}")
    expect(page.get_by_text(REASON_REJECT).first).to_be_visible(timeout=WAIT_MS)
    friday = grid_cells(page).nth(4)
    expect(friday).to_have_value("2", timeout=WAIT_MS)
    friday.fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_disabled(timeout=WAIT_MS)
    submit_week(page)
    _wait_for_status(sheet, TimesheetStatus.SUBMITTED)
    assert sheet.hours_total == Decimal("20.00")
    log_out(page)


def approve(page: Page, cast: Cast, sheet: Timesheet) -> None:
    log_in(page, cast.approver)
    page.goto("/approvals")
    row = page.get_by_test_id(f"sheet-{sheet.pk}")
    expect(row).to_contain_text("20.00", timeout=WAIT_MS)
    row.get_by_role("button", name="Approve", exact=True).click()
    expect(row).to_have_count(0, timeout=WAIT_MS)
    _wait_for_status(sheet, TimesheetStatus.APPROVED)
    log_out(page)


def run_and_finalise(page: Page, cast: Cast, monday: datetime.date) -> Invoice:
    log_in(page, cast.finance)
    page.goto("/invoices/run")
    month = page.get_by_label(re.compile(r"^Month"))
    expect(month).to_be_visible(timeout=WAIT_MS)
    month.click()
    page.get_by_role("button", name=monday.strftime("%b"), exact=True).click()
    expect(month).to_have_text(monday.strftime("%B %Y"), timeout=WAIT_MS)
    page.get_by_role("button", name="Start run").click()

    select = page.get_by_role("checkbox", name="Select the draft for Acme B.V.")
    expect(select).to_be_visible(timeout=WAIT_MS)
    draft = Invoice.objects.get(client=cast.client)
    assert draft.status == InvoiceStatus.DRAFT
    assert draft.net_total == Decimal("1100.00")
    expect(page.get_by_test_id(f"draft-{draft.pk}")).to_contain_text("1,100.00")
    select.check()
    screenshot(page, "invoice-run", full_page=True)
    page.get_by_role("button", name="Finalise 1 selected").click()
    page.get_by_role("dialog").get_by_role("button", name="Finalise 1 draft").click()
    expect(page.get_by_test_id(f"draft-{draft.pk}")).to_have_count(0, timeout=WAIT_MS)

    deadline = time.monotonic() + 15
    while True:
        draft.refresh_from_db()
        if draft.status == InvoiceStatus.FINALISED or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert draft.status == InvoiceStatus.FINALISED
    assert draft.number
    assert draft.net_total == Decimal("1100.00")
    log_out(page)
    return draft


def download_pdf(page: Page, cast: Cast, invoice: Invoice) -> None:
    log_in(page, cast.approver)
    page.goto("/invoices")
    row = page.get_by_role("row").filter(has_text=invoice.number)
    expect(row).to_be_visible(timeout=WAIT_MS)
    expect(row).to_contain_text("1,331.00")  # 1,100.00 + 21 % VAT
    screenshot(page, "invoices", full_page=True)
    with page.expect_download(timeout=WAIT_MS) as download_info:
        row.get_by_role("link", name=re.compile(r"^PDF of ")).click()
    path = download_info.value.path()
    assert path.read_bytes().startswith(b"%PDF")
    log_out(page)


def revenue_on_dashboard(page: Page, cast: Cast) -> None:
    log_in(page, cast.director)
    expect(page).to_have_url(re.compile(r"/dashboard$"), timeout=WAIT_MS)
    revenue = page.get_by_test_id("kpi-revenue")
    expect(revenue.get_by_text("€1,100.00", exact=True)).to_be_visible(timeout=WAIT_MS)


def test_from_placement_to_revenue(page: Page, cast: Cast) -> None:
    monday = first_monday_of_last_month(timezone.localdate())  # the server's day, as in Amsterdam
    timings: dict[str, float] = {}

    def step(name: str, started: float) -> None:
        timings[name] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    place_with_override(page, cast, monday)
    step("place", started)
    started = time.monotonic()
    sheet = enter_and_submit_hours(page, cast, monday)
    step("hours", started)
    started = time.monotonic()
    reject(page, cast, sheet)
    fix_and_resubmit(page, cast, sheet, monday)
    approve(page, cast, sheet)
    step("approve", started)
    started = time.monotonic()
    invoice = run_and_finalise(page, cast, monday)
    step("invoice", started)
    started = time.monotonic()
    download_pdf(page, cast, invoice)
    step("pdf", started)
    started = time.monotonic()
    revenue_on_dashboard(page, cast)
    step("dashboard", started)
    logging.getLogger(__name__).info("journey timings (s): %s", timings)
