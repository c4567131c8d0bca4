"""Money and hours arithmetic. The one rounding helper lives here."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money_round(value: Decimal | int | str) -> Decimal:
    """Round half-up to cents, as the Dutch tax office does (20.125 -> 20.13; -20.125 -> -20.13).
    A negative amount that rounds to nothing is plain 0.00, never -0.00."""
    if isinstance(value, float):  # pragma: no cover - a guard against misuse
        raise TypeError("Money is never a float")
    rounded = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)
