"""Reminder e-mails (secondments/services/reminders.py, the ``send_timesheet_reminders``
command and the Celery task). Today is Monday 2026-06-15; mail goes to locmem."""

import datetime
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from backend.accounts.models import User
from secondments import tasks
from secondments.models import ApprovalPeriod, Placement, PlacementStatus, Secretary, TimeEntry, Timesheet
from secondments.services.reminders import ReminderCount, timesheet_reminders_send
from tests.factories import ClientFactory, PlacementFactory, PoolFactory, SecretaryFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)
SITE = "https://secondo.example"


@dataclass
class Office:
    sanne: Secretary
    piet: Secretary
    anna: User
    bob: User
    acme_sanne: Placement
    globex_sanne: Placement


def sheet(placement: Placement, start: datetime.date, end: datetime.date, status: str) -> Timesheet:
    return Timesheet.objects.create(placement=placement, period_start=start, period_end=end, status=status)


@pytest.fixture
def office(settings: Any) -> Office:
    """Acme approves weekly (Anna; Carl, who left), Globex monthly (Bob).

    Sanne at Acme since 18 May: W21 has no sheet, W22 is open, W23 rejected, W24 submitted.
    Sanne at Globex since 1 April: April approved, May submitted.
    Piet at Acme since 1 June: W23 submitted, W24 invoiced (nothing to do).
    Dirk has only a draft placement. The team manager, finance and the director have nothing to do.
    """
    settings.SITE_URL = SITE + "/"
    manager = UserFactory(email="manager@example.org", is_team_manager=True)
    UserFactory(email="finance@example.org", is_finance=True)
    UserFactory(email="director@example.org", is_director=True)
    pool = PoolFactory(managers=[manager])
    anna = UserFactory(email="anna@example.org", full_name="Anna Approver", is_client_approver=True)
    bob = UserFactory(email="bob@example.org", full_name="Bob Beoordelaar", is_client_approver=True)
    carl = UserFactory(email="carl@example.org", is_client_approver=True, is_active=False)
    acme = ClientFactory(legal_name="Acme B.V.", approval_period=ApprovalPeriod.WEEKLY, approvers=[anna, carl])
    globex = ClientFactory(legal_name="Globex B.V.", approval_period=ApprovalPeriod.MONTHLY, approvers=[bob])
    sanne = SecretaryFactory(pool=pool, user__email="sanne@example.org", user__full_name="Sanne Secretaris")
    piet = SecretaryFactory(pool=pool, user__email="piet@example.org", user__full_name="Piet Pieters")
    dirk = SecretaryFactory(pool=pool, user__email="dirk@example.org")

    acme_sanne = PlacementFactory(secretary=sanne, client=acme, start_date=D(2026, 5, 18), created_by=manager)
    w22 = sheet(acme_sanne, D(2026, 5, 25), D(2026, 5, 31), "open")
    TimeEntry.objects.create(timesheet=w22, date=D(2026, 5, 26), hours="2.00")
    sheet(acme_sanne, D(2026, 6, 1), D(2026, 6, 7), "rejected")
    sheet(acme_sanne, D(2026, 6, 8), D(2026, 6, 14), "submitted")

    globex_sanne = PlacementFactory(secretary=sanne, client=globex, start_date=D(2026, 4, 1), created_by=manager)
    sheet(globex_sanne, D(2026, 4, 1), D(2026, 4, 30), "approved")
    sheet(globex_sanne, D(2026, 5, 1), D(2026, 5, 31), "submitted")

    acme_piet = PlacementFactory(secretary=piet, client=acme, start_date=D(2026, 6, 1), created_by=manager)
    sheet(acme_piet, D(2026, 6, 1), D(2026, 6, 7), "submitted")
    sheet(acme_piet, D(2026, 6, 8), D(2026, 6, 14), "invoiced")

    PlacementFactory(
        secretary=dirk, client=acme, start_date=D(2026, 5, 4), status=PlacementStatus.DRAFT, created_by=manager
    )
    return Office(sanne=sanne, piet=piet, anna=anna, bob=bob, acme_sanne=acme_sanne, globex_sanne=globex_sanne)


SANNE_MAIL = (
    ["sanne@example.org"],
    "Please submit your hours (3 period(s))",
    "Dear Sanne Secretaris,\n"
    "\n"
    "These periods have ended and their hours are not submitted yet:\n"
    "\n"
    "- Acme B.V.: 18-05-2026 to 24-05-2026 (no hours logged)\n"
    "- Acme B.V.: 25-05-2026 to 31-05-2026 (not submitted)\n"
    "- Acme B.V.: 01-06-2026 to 07-06-2026 (rejected, to correct)\n"
    "\n"
    "Log and submit your hours: https://secondo.example/hours\n"
    "\n"
    "Secondo",
)
ANNA_MAIL = (
    ["anna@example.org"],
    "2 timesheet(s) to approve",
    "Dear Anna Approver,\n"
    "\n"
    "2 timesheet(s) await your approval:\n"
    "\n"
    "- Piet Pieters at Acme B.V.: 01-06-2026 to 07-06-2026\n"
    "- Sanne Secretaris at Acme B.V.: 08-06-2026 to 14-06-2026\n"
    "\n"
    "Approve or reject them here: https://secondo.example/approvals\n"
    "\n"
    "Secondo",
)
BOB_MAIL = (
    ["bob@example.org"],
    "1 timesheet(s) to approve",
    "Dear Bob Beoordelaar,\n"
    "\n"
    "1 timesheet(s) await your approval:\n"
    "\n"
    "- Sanne Secretaris at Globex B.V.: 01-05-2026 to 31-05-2026\n"
    "\n"
    "Approve or reject them here: https://secondo.example/approvals\n"
    "\n"
    "Secondo",
)


def sent() -> list[tuple[list[str], str, str]]:
    return [(m.to, m.subject, m.body) for m in mail.outbox]


def test_one_mail_to_each_secretary_and_approver_with_something_to_do(office: Office) -> None:
    count = timesheet_reminders_send(today=TODAY)

    assert count == ReminderCount(secretaries=1, approvers=2)
    assert sent() == [SANNE_MAIL, ANNA_MAIL, BOB_MAIL]
    assert all(m.cc == [] and m.bcc == [] for m in mail.outbox)


def test_sending_reads_only_and_sends_the_same_again(office: Office) -> None:
    sheets = list(Timesheet.objects.order_by("id").values())
    timesheet_reminders_send(today=TODAY)
    timesheet_reminders_send(today=TODAY)
    assert sent() == [SANNE_MAIL, ANNA_MAIL, BOB_MAIL] * 2
    assert list(Timesheet.objects.order_by("id").values()) == sheets


def test_submitting_the_last_periods_stops_the_mails(office: Office) -> None:
    Timesheet.objects.filter(status__in=["open", "rejected"]).update(status="submitted")
    sheet(office.acme_sanne, D(2026, 5, 18), D(2026, 5, 24), "approved")
    Timesheet.objects.filter(status="submitted").update(status="approved")

    assert timesheet_reminders_send(today=TODAY) == ReminderCount(secretaries=0, approvers=0)
    assert mail.outbox == []


def test_a_secretary_who_approves_the_client_is_not_asked_to_approve_their_own_hours(office: Office) -> None:
    user = office.piet.user
    user.is_client_approver = True
    user.save()
    office.acme_sanne.client.approvers.add(user)

    timesheet_reminders_send(today=TODAY)

    [piet_mail] = [m for m in mail.outbox if m.to == ["piet@example.org"]]
    assert piet_mail.subject == "1 timesheet(s) to approve"
    assert "- Sanne Secretaris at Acme B.V.: 08-06-2026 to 14-06-2026\n" in piet_mail.body
    assert "Piet Pieters at" not in piet_mail.body


def test_periods_are_looked_back_eight_weeks(settings: Any) -> None:
    """A placement running since January with nothing logged: only the months ending in the
    last 56 days (April and May) are asked for; June has not ended."""
    settings.SITE_URL = SITE
    placement = PlacementFactory(
        secretary=SecretaryFactory(user__full_name="Els Eerst"),
        client=ClientFactory(legal_name="Initech B.V."),
        start_date=D(2026, 1, 5),
    )

    timesheet_reminders_send(today=TODAY)

    [message] = mail.outbox
    assert message.to == [placement.secretary.user.email]
    assert message.subject == "Please submit your hours (2 period(s))"
    assert message.body == (
        "Dear Els Eerst,\n\nThese periods have ended and their hours are not submitted yet:\n\n"
        "- Initech B.V.: 01-04-2026 to 30-04-2026 (no hours logged)\n"
        "- Initech B.V.: 01-05-2026 to 31-05-2026 (no hours logged)\n\n"
        "Log and submit your hours: https://secondo.example/hours\n\nSecondo"
    )


def test_nothing_to_do_sends_nothing(db: Any) -> None:
    assert timesheet_reminders_send(today=TODAY) == ReminderCount(secretaries=0, approvers=0)
    assert mail.outbox == []


# --- the command and the Celery task do the same -------------------------------------------------


def test_the_command_sends_the_reminders(office: Office) -> None:
    out = io.StringIO()
    call_command("send_timesheet_reminders", stdout=out)

    assert out.getvalue() == "Reminded 1 secretary(ies) and 2 approver(s).\n"
    assert sent() == [SANNE_MAIL, ANNA_MAIL, BOB_MAIL]


@pytest.mark.parametrize("run", ["delay", "apply"])
def test_the_celery_task_sends_the_reminders(office: Office, run: str) -> None:
    task: Any = tasks.timesheet_reminders_send
    assert task.name == "secondments.tasks.timesheet_reminders_send"

    assert getattr(task, run)().get() == {"secretaries": 1, "approvers": 2}
    assert sent() == [SANNE_MAIL, ANNA_MAIL, BOB_MAIL]
