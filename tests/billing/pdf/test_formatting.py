"""Numbers, dates and labels on invoice PDFs (billing/pdf/formatting.py)."""

import datetime
import string
from decimal import Decimal

import pytest

from billing.pdf import formatting as fmt


@pytest.mark.parametrize(
    ("amount", "nl", "en"),
    [
        ("1234.56", "€ 1.234,56", "€1,234.56"),
        ("-1234.56", "€ -1.234,56", "-€1,234.56"),
        ("0", "€ 0,00", "€0.00"),
        ("-0.001", "€ 0,00", "€0.00"),
        ("55", "€ 55,00", "€55.00"),
        ("1234567.5", "€ 1.234.567,50", "€1,234,567.50"),
        ("0.125", "€ 0,13", "€0.13"),
        ("-999.995", "€ -1.000,00", "-€1,000.00"),
    ],
)
def test_money(amount: str, nl: str, en: str) -> None:
    assert fmt.money(Decimal(amount), "nl") == nl
    assert fmt.money(Decimal(amount), "en") == en


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [("12.25", "12,25", "12.25"), ("8", "8,00", "8.00"), ("-3.5", "-3,50", "-3.50"), ("1500", "1.500,00", "1,500.00")],
)
def test_hours(value: str, nl: str, en: str) -> None:
    assert fmt.hours(Decimal(value), "nl") == nl
    assert fmt.hours(Decimal(value), "en") == en


@pytest.mark.parametrize(
    ("rate", "nl", "en"),
    [
        ("21.00", "21%", "21%"),
        ("9.00", "9%", "9%"),
        ("9.50", "9,5%", "9.5%"),
        ("0.00", "0%", "0%"),
        ("100", "100%", "100%"),
    ],
)
def test_percent_drops_trailing_zeros(rate: str, nl: str, en: str) -> None:
    assert fmt.percent(Decimal(rate), "nl") == nl
    assert fmt.percent(Decimal(rate), "en") == en


def test_date() -> None:
    assert fmt.date(datetime.date(2026, 11, 22), "nl") == "22-11-2026"
    assert fmt.date(datetime.date(2026, 11, 22), "en") == "22 Nov 2026"
    assert fmt.date(datetime.date(2026, 3, 1), "nl") == "01-03-2026"
    assert fmt.date(datetime.date(2026, 3, 1), "en") == "1 Mar 2026"


def test_period() -> None:
    june, end = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)
    assert fmt.period(june, end, "nl") == "01-06-2026 \u2013 30-06-2026"
    assert fmt.period(june, end, "en") == "1 Jun 2026 \u2013 30 Jun 2026"
    assert fmt.period(june, june, "nl") == "01-06-2026"
    assert fmt.period(None, end, "en") == "30 Jun 2026"
    assert fmt.period(None, None, "nl") == ""


def test_timestamp_is_amsterdam_wall_clock_time() -> None:
    summer = datetime.datetime(2026, 7, 1, 8, 5, tzinfo=datetime.UTC)  # CEST, UTC+2
    winter = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)  # CET, UTC+1: the next day
    assert fmt.timestamp(summer) == "01-07-2026 10:05"
    assert fmt.timestamp(winter) == "16-01-2026 00:30"


def test_timestamp_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        fmt.timestamp(datetime.datetime(2026, 7, 1, 8, 5))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_labels_exist_in_both_languages_with_the_same_placeholders() -> None:
    nl, en = fmt.LABELS["nl"], fmt.LABELS["en"]
    assert set(nl) == set(en)
    for key in nl:
        assert _fields(nl[key]) == _fields(en[key]), key
    assert nl["reverse_charge"] == en["reverse_charge"] == "btw verlegd / VAT reverse charged"
    assert nl["title_invoice"] == "Factuur"
    assert en["title_internal"] == "Internal recharge statement"
    assert nl["pay_instruction"] == (
        "Gelieve {total} vóór {due} over te maken op {iban} t.n.v. {name} o.v.v. {reference}."
    )
    assert en["pay_instruction"] == "Please pay {total} by {due} to {iban} in the name of {name}, quoting {reference}."
