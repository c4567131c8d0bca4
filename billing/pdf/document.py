"""What an invoice PDF shows: a plain, frozen snapshot built from a finalised invoice.

The renderer sees only this (no models, no queries), so it can run in a worker
process and be tested on its own.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

DocumentKind = Literal["invoice", "internal", "credit_note"]


@dataclass(frozen=True)
class Seller:
    """The secretariat (settings.SECRETARIAT)."""

    name: str
    address: str
    kvk: str
    vat_number: str
    iban: str
    email: str
    logo_path: str  # a PNG/JPEG file; "" draws no logo


@dataclass(frozen=True)
class Customer:
    legal_name: str
    address_lines: tuple[str, ...]
    vat_number: str  # printed for reverse charge (and for every tenant that has one)
    cost_centre: str  # internal clients
    kvk: str = ""


@dataclass(frozen=True)
class DocumentLine:
    description: str  # the secretary's name for hours, the text for a manual line
    period_start: datetime.date | None
    period_end: datetime.date | None
    quantity: Decimal  # hours (or units for a manual line); negative on a credit note
    unit_price: Decimal  # the hourly rate
    amount: Decimal  # quantity x unit price, rounded half-up to cents
    vat_rate: Decimal  # percent: 21.00, 9.00 or 0.00
    is_hours: bool = True  # hours are printed with "h"


@dataclass(frozen=True)
class VatRow:
    rate: Decimal  # percent
    net: Decimal  # the sum of the line amounts at this rate
    vat: Decimal  # net x rate / 100, rounded half-up


@dataclass(frozen=True)
class Evidence:
    """Approval evidence of one timesheet billed on the invoice."""

    secretary: str
    period_start: datetime.date
    period_end: datetime.date
    hours: Decimal
    approved_by: str  # "" when deemed approved
    approved_at: datetime.datetime | None  # aware
    deemed: bool


@dataclass(frozen=True)
class InvoiceDocument:
    kind: DocumentKind
    language: Literal["nl", "en"]
    number: str
    issue_date: datetime.date
    due_date: datetime.date | None  # None on a credit note
    period_start: datetime.date | None  # the service period
    period_end: datetime.date | None
    seller: Seller
    customer: Customer
    reverse_charge: bool
    lines: tuple[DocumentLine, ...]
    vat_rows: tuple[VatRow, ...]
    net_total: Decimal
    vat_total: Decimal
    total: Decimal
    payment_reference: str  # what to put on a bank transfer (the number)
    pay_url: str = ""  # a Stripe Checkout link when Stripe is on
    evidence: tuple[Evidence, ...] = ()
    credited_number: str = ""  # a credit note: the number of the invoice it corrects
    reason: str = ""  # a credit note's reason
    notes: str = ""
