"""How an invoice PDF writes numbers, dates and labels, in Dutch ("nl") or English ("en").

Pure functions of their arguments (no locale, no settings), so a worker renders
the same text everywhere. Amounts are Decimal, never float.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from backend.core.money import money_round

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EN_DASH = "\u2013"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DUTCH_SEPARATORS = str.maketrans({",": ".", ".": ","})

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "title_invoice": "Factuur",
        "title_internal": "Interne doorbelasting",
        "title_credit_note": "Creditnota",
        "number": "Factuurnummer",
        "issue_date": "Factuurdatum",
        "due_date": "Vervaldatum",
        "period": "Periode",
        "secretary": "Medewerker",
        "hours": "Uren",
        "hour_unit": "h",
        "rate": "Tarief",
        "amount": "Bedrag",
        "vat": "BTW",
        "vat_on": "BTW {rate} over {net}",
        "net": "Subtotaal",
        "total": "Totaal",
        "reverse_charge": "btw verlegd / VAT reverse charged",
        "pay_instruction": "Gelieve {total} vóór {due} over te maken op {iban} t.n.v. {name} o.v.v. {reference}.",
        "internal_settlement": "Wordt intern verrekend met kostenplaats {cost_centre}; niet overmaken.",
        "pay_online": "Betaal online",
        "evidence": "Akkoord uren",
        "approved": "goedgekeurd door {who} op {when}",
        "deemed": "geacht goedgekeurd",
        "kvk": "KvK",
        "vat_number": "BTW-nr.",
        "iban": "IBAN",
        "cost_centre": "Kostenplaats",
        "credit_for": "Creditnota voor factuur {number}",
        "reason": "Reden",
        "notes": "Opmerkingen",
        "page": "Pagina {page}",
    },
    "en": {
        "title_invoice": "Invoice",
        "title_internal": "Internal recharge statement",
        "title_credit_note": "Credit note",
        "number": "Invoice number",
        "issue_date": "Issue date",
        "due_date": "Due date",
        "period": "Service period",
        "secretary": "Secretary",
        "hours": "Hours",
        "hour_unit": "h",
        "rate": "Rate",
        "amount": "Amount",
        "vat": "VAT",
        "vat_on": "VAT {rate} on {net}",
        "net": "Net",
        "total": "Total",
        "reverse_charge": "btw verlegd / VAT reverse charged",
        "pay_instruction": "Please pay {total} by {due} to {iban} in the name of {name}, quoting {reference}.",
        "internal_settlement": "Settled internally against cost centre {cost_centre}; do not pay by transfer.",
        "pay_online": "Pay online",
        "evidence": "Approval of hours",
        "approved": "approved by {who} on {when}",
        "deemed": "deemed approved",
        "kvk": "Chamber of Commerce no.",
        "vat_number": "VAT no.",
        "iban": "IBAN",
        "cost_centre": "Cost centre",
        "credit_for": "Credit note for invoice {number}",
        "reason": "Reason",
        "notes": "Notes",
        "page": "Page {page}",
    },
}


def _number(value: Decimal, language: str) -> str:
    """Two decimals with thousands separators: nl ``1.234,56``, en ``1,234.56``. ``value`` has at most two
    decimals already (money rounded by the one helper, hours in quarters): nothing is rounded here."""
    text = f"{value:,.2f}"
    return text.translate(_DUTCH_SEPARATORS) if language == "nl" else text


def money(amount: Decimal, language: str) -> str:
    """nl ``€ 1.234,56`` / ``€ -1.234,56``; en ``€1,234.56`` / ``-€1,234.56``."""
    rounded = money_round(amount)
    digits = _number(abs(rounded), language)
    sign = "-" if rounded < 0 else ""
    return f"€ {sign}{digits}" if language == "nl" else f"{sign}€{digits}"


def hours(value: Decimal, language: str) -> str:
    """nl ``12,25``, en ``12.25``."""
    return _number(value, language)


def percent(rate: Decimal, language: str) -> str:
    """Without trailing zeros: 21.00 gives ``21%``; 9.50 gives nl ``9,5%``, en ``9.5%``."""
    text = f"{rate.normalize():f}"
    return (text.replace(".", ",") if language == "nl" else text) + "%"


def date(d: datetime.date, language: str) -> str:
    """nl ``22-11-2026``, en ``22 Nov 2026``."""
    if language == "nl":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def period(start: datetime.date | None, end: datetime.date | None, language: str) -> str:
    """``01-06-2026 \u2013 30-06-2026`` (an en dash); one date when start and end agree; "" when neither is known."""
    if start is None or end is None or start == end:
        known = start or end
        return date(known, language) if known else ""
    return f"{date(start, language)} {EN_DASH} {date(end, language)}"


def timestamp(moment: datetime.datetime) -> str:
    """An aware moment as Amsterdam wall-clock time, ``dd-mm-yyyy hh:mm`` in both languages."""
    if moment.tzinfo is None:
        raise ValueError("timestamp() needs an aware datetime")
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
