import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.core.services import audit_record, model_snapshot
from secondments.models import Pool, RateCard


@transaction.atomic
def rate_card_create(
    *, actor: User, pool: Pool, client_kind: str, valid_from: datetime.date, hourly_rate: Decimal
) -> RateCard:
    """Add a rate from a date on. Earlier rates stay: an indexation never reprices history.

    Placements keep the rate they were given; only new placements take the new card.
    """
    if RateCard.objects.filter(pool=pool, client_kind=client_kind, valid_from=valid_from).exists():
        raise ValidationError({"valid_from": ["This pool already has a rate for this client kind from that date."]})
    card = RateCard(pool=pool, client_kind=client_kind, valid_from=valid_from, hourly_rate=hourly_rate)
    card.full_clean()
    card.save()
    audit_record(actor=actor, action="rate_card.create", obj=card, after=model_snapshot(card))
    return card


@transaction.atomic
def rate_card_delete(*, rate_card: RateCard, actor: User, today: datetime.date) -> None:
    """Withdraw a rate that has not taken effect yet; rates in force are history and stay."""
    if rate_card.valid_from <= today:
        raise ValidationError({"valid_from": ["A rate that has taken effect cannot be deleted; add a newer rate."]})
    audit_record(actor=actor, action="rate_card.delete", obj=rate_card, before=model_snapshot(rate_card))
    rate_card.delete()
