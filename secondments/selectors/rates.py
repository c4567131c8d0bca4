import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from backend.core.money import money_round
from backend.core.periods import overlap
from secondments.models import Placement, PlacementRate, Pool, RateCard


def rate_card_rate_on(*, pool: Pool, client_kind: str, day: datetime.date) -> RateCard | None:
    """The rate card in force for ``pool`` and ``client_kind`` on ``day`` (latest ``valid_from`` <= day)."""
    return (
        RateCard.objects.filter(pool=pool, client_kind=client_kind, valid_from__lte=day).order_by("-valid_from").first()
    )


def placement_rate_on(*, placement: Placement, day: datetime.date) -> Decimal | None:
    """The placement's bill rate on ``day``; uses prefetched ``rates`` when present."""
    rates: list[PlacementRate] = sorted(placement.rates.all(), key=lambda r: r.valid_from)
    current: Decimal | None = None
    for rate in rates:
        if rate.valid_from <= day:
            current = rate.hourly_rate
    return current


@dataclass(frozen=True)
class RatePart:
    """The hours of one sheet at one rate."""

    start: datetime.date
    end: datetime.date
    hours: Decimal
    rate: Decimal

    @property
    def amount(self) -> Decimal:
        """What the invoice line for these hours says: hours x rate, rounded half-up to cents."""
        return money_round(self.hours * self.rate)


Entry = tuple[datetime.date, Decimal]  # a time entry's day and hours


def rate_parts(
    *,
    rates: Sequence[tuple[datetime.date, Decimal]],
    period_start: datetime.date,
    period_end: datetime.date,
    entries: Iterable[Entry],
) -> list[RatePart]:
    """Hours of ``period_start``..``period_end`` split by rate windows (``rates``: valid_from, rate).

    Hours on days before the first rate fall in no part; the caller compares the sums.
    """
    ordered = sorted(rates)
    entries = list(entries)
    parts = []
    for i, (valid_from, rate) in enumerate(ordered):
        until = ordered[i + 1][0] - datetime.timedelta(days=1) if i + 1 < len(ordered) else None
        span = overlap(valid_from, until, period_start, period_end)
        if span is None:
            continue
        hours = sum((h for day, h in entries if span[0] <= day <= span[1]), Decimal(0))
        if hours:
            parts.append(RatePart(start=span[0], end=span[1], hours=hours, rate=rate))
    return parts
