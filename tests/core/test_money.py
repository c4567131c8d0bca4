"""Rounding money half-up to cents (backend/core/money.py)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.core.money import money_round


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("20.125"), "20.13"),
        (Decimal("20.124"), "20.12"),
        (Decimal("-20.125"), "-20.13"),
        (Decimal("0.005"), "0.01"),
        (Decimal("0.004"), "0.00"),
        (Decimal("-0.004"), "0.00"),  # never -0.00
        (Decimal("2.675"), "2.68"),  # 2.67 with binary floats
        (Decimal("20"), "20.00"),
        ("20.125", "20.13"),
        (20, "20.00"),
    ],
)
def test_money_round_is_half_up_to_cents(value: Decimal | str | int, expected: str) -> None:
    result = money_round(value)
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize("value", [20.125, 0.1, 0.0])
def test_money_round_refuses_floats(value: float) -> None:
    with pytest.raises(TypeError, match=r"^Money is never a float$"):
        money_round(value)  # type: ignore[arg-type]


@given(st.decimals(min_value=Decimal("-1000000000"), max_value=Decimal("1000000000"), places=6))
def test_money_round_equals_quantize_half_up(value: Decimal) -> None:
    expected = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    result = money_round(value)
    assert result == expected
    assert result.as_tuple().exponent == -2
    assert money_round(str(value)) == expected


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_money_round_never_takes_a_float(value: float) -> None:
    with pytest.raises(TypeError):
        money_round(value)  # type: ignore[arg-type]
