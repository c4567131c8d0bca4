"""Reads of the payments ledger (billing/selectors/payments.py): who sees which rows, and the internal
recharge journal (a month's settlements per cost centre and client, as CSV)."""

import datetime
from decimal import Decimal
from typing import Any, cast

import pytest

from backend.accounts.models import User
from billing.models import Invoice, Payment
from billing.selectors.payments import (
    JOURNAL_COLUMNS,
    JournalRow,
    internal_journal,
    internal_journal_csv,
    payment_list_for,
)
from billing.services.payments import internal_statements_settle, payment_record, payment_reverse, refund_record
from secondments.models import Client
from tests.billing.conftest import finalised, issued_on
from tests.conftest import World
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)


def department(cost_centre: str, name: str, **kwargs: Any) -> Client:
    return cast(Client, ClientFactory(internal=True, cost_centre=cost_centre, legal_name=name, **kwargs))


def settle(world: World, statement: Invoice, day: datetime.date) -> Payment:
    [row] = internal_statements_settle(invoices=[statement], actor=world.finance, date=day)
    return row


# ---------------------------------------------------------------------------- scoping


def test_each_role_sees_its_part_of_the_ledger(world: World) -> None:
    mine = finalised(world)
    theirs = finalised(world, client=world.other_client)
    paid = payment_record(invoice=mine, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="")
    refund = refund_record(invoice=mine, actor=world.finance, amount=Decimal("1.00"), date=TODAY, reference="")
    other = payment_record(
        invoice=theirs, actor=world.finance, amount=Decimal("5.00"), date=D(2026, 6, 1), reference=""
    )
    with issued_on(D(2026, 6, 1)):
        statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    settled = settle(world, statement, D(2026, 6, 2))
    everything = [refund.pk, paid.pk, settled.pk, other.pk]  # newest date first, then newest row
    both = cast(User, UserFactory(email="approver.both@example.org", is_client_approver=True))
    world.other_client.approvers.add(both)
    world.client.approvers.add(both)

    seen: dict[str, User] = {
        "finance": world.finance,
        "director": world.director,
        "approver": world.approver,
        "other approver": world.other_approver,
        "approver of both": both,
        "secretary": world.secretary.user,
        "team manager": world.manager,
        "no role": cast(User, UserFactory(email="nobody@example.org")),
    }
    assert {name: [p.pk for p in payment_list_for(user=user)] for name, user in seen.items()} == {
        "finance": everything,
        "director": everything,
        "approver": [refund.pk, paid.pk],
        "other approver": [other.pk],
        "approver of both": [refund.pk, paid.pk, other.pk],
        "secretary": [],
        "team manager": [],
        "no role": [],
    }


def test_an_approver_of_an_internal_client_sees_its_settlements(world: World) -> None:
    approver = cast(User, UserFactory(email="facilities.approver@example.org", is_client_approver=True))
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair", approvers=[approver]))
    settled = settle(world, statement, TODAY)

    assert list(payment_list_for(user=approver)) == [settled]
    assert list(payment_list_for(user=world.approver)) == []


# ---------------------------------------------------------------------------- the internal journal


@pytest.fixture
def june(world: World) -> dict[str, Invoice]:
    """June 2026's settlements: Facilitair (CC-100) two statements; HR (CC-200) one settled, reversed and
    settled again, and one settled and reversed (nothing settled); ICT (CC-300) only one settled and reversed;
    Facilitair's May statement (issued 05-28) settled in May; a tenant's bank transfer in June. The June
    statements are issued 06-01, before their first settlement."""
    facilitair = department("CC-100", "Afdeling Facilitair")
    hr = department("CC-200", "Afdeling HR")
    with issued_on(D(2026, 5, 28)):
        may = finalised(world, client=facilitair, amount="40.00")  # IR-2026-00001
    with issued_on(D(2026, 6, 1)):
        first = finalised(world, client=facilitair)  # IR-2026-00002
        second = finalised(world, client=facilitair, amount="250.50")  # IR-2026-00003
        again = finalised(world, client=hr, amount="80.00")  # IR-2026-00004
        undone = finalised(world, client=hr, amount="30.00")  # IR-2026-00005
    settle(world, may, D(2026, 5, 29))
    settle(world, first, D(2026, 6, 1))
    settle(world, second, D(2026, 6, 10))
    wrong = settle(world, again, D(2026, 6, 3))
    payment_reverse(payment=wrong, actor=world.finance, reason="Booked twice.")  # dated today, 06-15
    settle(world, again, D(2026, 6, 12))
    payment_reverse(payment=settle(world, undone, D(2026, 6, 5)), actor=world.finance, reason="Not yet.")
    with issued_on(D(2026, 6, 1)):
        ict = finalised(world, client=department("CC-300", "Afdeling ICT"), amount="60.00")  # IR-2026-00006
    payment_reverse(payment=settle(world, ict, D(2026, 6, 8)), actor=world.finance, reason="Not yet.")
    tenant = finalised(world)
    payment_record(invoice=tenant, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="")
    return {"may": may, "first": first, "second": second, "again": again, "undone": undone, "ict": ict}


def test_the_journal_has_a_row_per_cost_centre_with_reversals_netted(world: World, june: dict[str, Invoice]) -> None:
    """A statement whose settlement is reversed in the month is not listed; a cost centre left with none has
    no row."""
    rows = internal_journal(year=2026, month=6)

    assert rows == [
        JournalRow(
            month="2026-06",
            cost_centre="CC-100",
            client="Afdeling Facilitair",
            statements=("IR-2026-00002", "IR-2026-00003"),
            amount=Decimal("350.50"),
        ),
        JournalRow(
            month="2026-06",
            cost_centre="CC-200",
            client="Afdeling HR",
            statements=("IR-2026-00004",),
            amount=Decimal("80.00"),
        ),
    ]
    assert internal_journal_csv(rows=rows) == (
        "month,cost_centre,client,statement_count,statements,amount\r\n"
        "2026-06,CC-100,Afdeling Facilitair,2,IR-2026-00002 IR-2026-00003,350.50\r\n"
        "2026-06,CC-200,Afdeling HR,1,IR-2026-00004,80.00\r\n"
    )
    assert JOURNAL_COLUMNS == ["month", "cost_centre", "client", "statement_count", "statements", "amount"]


def test_the_journal_of_another_month(world: World, june: dict[str, Invoice]) -> None:
    assert internal_journal_csv(rows=internal_journal(year=2026, month=5)) == (
        "month,cost_centre,client,statement_count,statements,amount\r\n"
        "2026-05,CC-100,Afdeling Facilitair,1,IR-2026-00001,40.00\r\n"
    )
    assert internal_journal_csv(rows=internal_journal(year=2026, month=7)) == (
        "month,cost_centre,client,statement_count,statements,amount\r\n"
    )


def test_a_reversal_in_a_later_month_is_booked_in_that_month(world: World, time_machine: Any) -> None:
    with issued_on(D(2026, 6, 1)):
        statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    row = settle(world, statement, D(2026, 6, 1))
    time_machine.move_to(datetime.datetime(2026, 7, 2, 8, 0, tzinfo=datetime.UTC), tick=False)

    payment_reverse(payment=row, actor=world.finance, reason="Charged to the wrong month.")

    assert internal_journal(year=2026, month=6)[0].amount == Decimal("100.00")
    assert internal_journal(year=2026, month=7) == [
        JournalRow(
            month="2026-07",
            cost_centre="CC-100",
            client="Afdeling Facilitair",
            statements=("IR-2026-00001",),
            amount=Decimal("-100.00"),
        )
    ]


def test_the_journal_prints_the_customer_as_finalised(world: World) -> None:
    """A client renamed after finalisation keeps its old name and cost centre on its statements."""
    facilitair = department("CC-100", "Afdeling Facilitair")
    statement = finalised(world, client=facilitair)
    Client.objects.filter(pk=facilitair.pk).update(legal_name="Facility Services", cost_centre="CC-999")
    settle(world, statement, TODAY)

    assert internal_journal_csv(rows=internal_journal(year=2026, month=6)) == (
        "month,cost_centre,client,statement_count,statements,amount\r\n"
        "2026-06,CC-100,Afdeling Facilitair,1,IR-2026-00001,100.00\r\n"
    )


def test_a_client_name_with_a_comma_is_quoted(world: World) -> None:
    statement = finalised(world, client=department("CC-100", "Facilitair, Huisvesting"))
    settle(world, statement, TODAY)

    assert internal_journal_csv(rows=internal_journal(year=2026, month=6)).splitlines()[1] == (
        '2026-06,CC-100,"Facilitair, Huisvesting",1,IR-2026-00001,100.00'
    )
