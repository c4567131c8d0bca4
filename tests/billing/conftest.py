"""Billing fixtures: approved hours made through the hours services, as a secretary and approver would."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from billing.models import Invoice
from billing.services.invoices import invoice_create, invoice_finalize, invoice_line_add
from secondments.models import Placement, Timesheet
from secondments.services.timesheets import Cell, timesheet_approve, timesheet_submit, week_grid_save
from tests.conftest import World


@pytest.fixture(autouse=True)
def _fresh_storage(settings: Any) -> None:
    """Each test stores its PDFs in a storage of its own (an earlier test's file would rename ours)."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def approved_sheet(placement: Placement, hours: dict[datetime.date, str], approver: Any) -> Timesheet:
    """Log ``hours`` (day -> hours) on the placement, submit the sheet and have ``approver`` approve it."""
    secretary = placement.secretary
    cells = [Cell(placement=placement, date=day, hours=Decimal(h)) for day, h in hours.items()]
    sheets = week_grid_save(actor=secretary.user, secretary=secretary, cells=cells)
    assert len(sheets) == 1, "one approval period per call"
    sheet = timesheet_submit(timesheet=sheets[0], actor=secretary.user)
    return timesheet_approve(timesheet=sheet, actor=approver, ip="192.0.2.10")


MAY = {datetime.date(2026, 5, d): "4.00" for d in (4, 5, 6, 7, 8)}  # 20 h in May 2026 (Mon-Fri)
APRIL = {datetime.date(2026, 4, d): "2.50" for d in (13, 14)}  # 5 h in April 2026


@pytest.fixture
def may_sheet(world: World) -> Timesheet:
    """The world's placement: 20 approved hours in May 2026 at 55.00 (a monthly client)."""
    return approved_sheet(world.placement, MAY, world.approver)


# ---------------------------------------------------------------------------
# Payments.


def finalised(world: World, *, client: Any = None, amount: str = "100.00", vat_rate: str | None = None) -> Invoice:
    """A finalised manual invoice of ``amount`` (net) for ``client`` (the world's tenant by default);
    21 % VAT for a standard tenant, so 100.00 gives a total of 121.00."""
    invoice = invoice_create(client=client or world.client, actor=world.finance)
    invoice_line_add(
        invoice=invoice,
        actor=world.finance,
        description="Training",
        quantity=Decimal(1),
        unit_price=Decimal(amount),
        vat_rate=Decimal(vat_rate) if vat_rate is not None else None,
    )
    return invoice_finalize(invoice=invoice, actor=world.finance, email=False)


def issued_on(day: datetime.date) -> Any:
    """Finalise (and so issue) what is made inside ``with issued_on(day):`` on that day, 10:00 in Amsterdam."""
    import time_machine

    return time_machine.travel(datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC), tick=False)
