"""Two team managers placing the same secretary at the same moment cannot overbook them."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from secondments.models import Placement, PlacementStatus
from secondments.services.placements import placement_create
from tests.factories import ClientFactory, PoolFactory, RateCardFactory, SecretaryFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_placements_take_free_capacity_once() -> None:
    manager = UserFactory(is_team_manager=True)
    pool = PoolFactory(managers=[manager])
    RateCardFactory(pool=pool)
    # 36 - 16 = 20 free hours a week; each placement asks 12.
    secretary = SecretaryFactory(pool=pool)
    clients = [ClientFactory(), ClientFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def place(client_index: int) -> None:
        try:
            barrier.wait(timeout=10)
            placement_create(
                actor=manager,
                secretary=secretary,
                client=clients[client_index],
                start_date=datetime.date(2026, 7, 6),
                end_date=datetime.date(2026, 9, 25),
                hours_per_week=Decimal("12.00"),
            )
            outcomes.append("placed")
        except ApplicationError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=place, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["placed", "refused"]
    assert Placement.objects.filter(secretary=secretary, status=PlacementStatus.ACTIVE).count() == 1
    assert AuditEvent.objects.filter(action="placement.create").count() == 1
