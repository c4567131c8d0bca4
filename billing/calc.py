"""Invoice arithmetic, in one place: line amounts, VAT per rate, totals.

Line amount = quantity x unit price, rounded half-up to cents. VAT is computed
per rate on the sum of that rate's line amounts, rounded half-up. Total = net +
VAT. Rounding half-up is symmetric around zero (-20.125 -> -20.13), so a credit
note that negates every line is exactly the negative of the invoice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from backend.core.money import money_round
from secondments.models import VatTreatment

STANDARD_VAT_RATE = Decimal("21.00")
REDUCED_VAT_RATE = Decimal("9.00")
ZERO_VAT_RATE = Decimal("0.00")
HUNDRED = Decimal(100)


def line_amount(*, quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money_round(quantity * unit_price)


def vat_rates_allowed(*, vat_treatment: str) -> tuple[Decimal, ...]:
    """A standard Dutch customer pays 21 % (9 % or 0 % for a manual line that qualifies);
    reverse charge and internal recharges carry no VAT."""
    if vat_treatment == VatTreatment.STANDARD:
        return (STANDARD_VAT_RATE, REDUCED_VAT_RATE, ZERO_VAT_RATE)
    return (ZERO_VAT_RATE,)


def default_vat_rate(*, vat_treatment: str) -> Decimal:
    return vat_rates_allowed(vat_treatment=vat_treatment)[0]


@dataclass(frozen=True)
class VatGroup:
    rate: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    total: Decimal
    groups: tuple[VatGroup, ...]  # highest rate first

    def breakdown(self) -> list[dict[str, str]]:
        """JSON-ready, as stored on the invoice."""
        return [{"rate": f"{g.rate:.2f}", "net": f"{g.net:.2f}", "vat": f"{g.vat:.2f}"} for g in self.groups]


def totals_of(lines: Iterable[tuple[Decimal, Decimal]]) -> Totals:
    """``lines`` are (amount, VAT rate in percent) pairs of already rounded line amounts."""
    nets: dict[Decimal, Decimal] = {}
    for amount, rate in lines:
        key = Decimal(rate).quantize(Decimal("0.01"))
        nets[key] = nets.get(key, Decimal("0.00")) + amount
    groups = tuple(
        VatGroup(rate=rate, net=money_round(net), vat=money_round(net * rate / HUNDRED))
        for rate, net in sorted(nets.items(), reverse=True)
    )
    net = sum((g.net for g in groups), Decimal("0.00"))
    vat = sum((g.vat for g in groups), Decimal("0.00"))
    return Totals(net=net, vat=vat, total=net + vat, groups=groups)
