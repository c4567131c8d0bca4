import datetime
from decimal import Decimal

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
