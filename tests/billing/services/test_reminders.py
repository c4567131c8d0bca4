"""The daily receivables step (billing/services/reminders.py and payments.receivables_overdue_mark):
overdue marking and the payment reminders, over weeks of a moving clock.

A tenant invoice finalised on Monday 2026-06-15 totals 121.00 and is due on 2026-07-15 (30 days). It turns
overdue on 2026-07-16; reminders follow on 07-16, 07-30 and 08-13, and then no more.
"""

import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail

from backend.core.models import AuditEvent
from billing import tasks
from billing.models import Invoice, PaymentStatus, Receivable
from billing.services.checkout import pay_token
from billing.services.payments import internal_statements_settle, payment_record, receivables_overdue_mark
from billing.services.reminders import REMINDERS_MAX, payment_reminders_send, receivables_daily
from tests.billing.conftest import finalised
from tests.billing.stripe_fakes import FakeStripe
from tests.conftest import World
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

D = datetime.date
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DUE = D(2026, 7, 15)
FIRST, SECOND, THIRD = D(2026, 7, 16), D(2026, 7, 30), D(2026, 8, 13)


def move(time_machine: Any, day: datetime.date) -> None:
    """The clock to 07:30 in Amsterdam on ``day`` (when the daily task runs)."""
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(7, 30), AMSTERDAM), tick=False)


def daily(time_machine: Any, day: datetime.date, capture: Any) -> tuple[dict[str, int], list[Any]]:
    """Run the daily step on ``day`` with its after-commit work; the counts and the e-mails it sent."""
    move(time_machine, day)
    sent_before = len(mail.outbox)
    with capture(execute=True):
        result = receivables_daily()
    return result, mail.outbox[sent_before:]


def reminders(invoice: Invoice) -> tuple[str, int, datetime.date | None, datetime.date | None]:
    r = Receivable.objects.get(pk=invoice.pk)
    return r.status, r.reminders_sent, r.last_reminder_on, r.overdue_since


def reminder_events(invoice: Invoice) -> list[Any]:
    return list(
        AuditEvent.objects.filter(action="invoice.reminder", object_id=str(invoice.pk))
        .order_by("pk")
        .values_list("after", flat=True)
    )


# ---------------------------------------------------------------------------- overdue


def test_an_unpaid_invoice_turns_overdue_the_day_after_its_due_date(world: World) -> None:
    invoice = finalised(world)
    statement = finalised(world, client=ClientFactory(internal=True, cost_centre="CC-100"))
    paid = finalised(world)
    payment_record(invoice=paid, actor=world.finance, amount=Decimal("121.00"), date=D(2026, 6, 15), reference="")
    partly = finalised(world)
    payment_record(invoice=partly, actor=world.finance, amount=Decimal("21.00"), date=D(2026, 6, 15), reference="")
    events = AuditEvent.objects.count()
    mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]

    assert receivables_overdue_mark(today=DUE) == 0
    assert AuditEvent.objects.count() == events

    assert receivables_overdue_mark(today=FIRST) == 3

    assert reminders(invoice) == (PaymentStatus.OVERDUE, 0, None, FIRST)
    assert reminders(statement) == (PaymentStatus.OVERDUE, 0, None, FIRST)
    assert reminders(partly) == (PaymentStatus.OVERDUE, 0, None, FIRST)
    assert reminders(paid) == (PaymentStatus.PAID, 0, None, None)
    overdue = list(
        AuditEvent.objects.filter(pk__gt=mark)
        .order_by("pk")
        .values_list("action", "object_id", "actor", "before", "after", "reason")
    )
    assert overdue == [
        (
            "invoice.payment_status",
            str(target.pk),
            None,
            {
                "amount_due": due,
                "amount_paid": paid_amount,
                "status": status,
                "overpaid": False,
                "paid_on": None,
                "overdue_since": None,
            },
            {
                "amount_due": due,
                "amount_paid": paid_amount,
                "status": "overdue",
                "overpaid": False,
                "paid_on": None,
                "overdue_since": "2026-07-16",
            },
            "Past its due date.",
        )
        for target, due, paid_amount, status in [
            (invoice, "121.00", "0.00", "open"),
            (statement, "100.00", "0.00", "open"),
            (partly, "121.00", "21.00", "partially_paid"),
        ]
    ]

    assert receivables_overdue_mark(today=D(2026, 7, 17)) == 0  # once overdue, stays so quietly
    assert AuditEvent.objects.count() == events + 3


def test_paying_an_overdue_invoice_clears_overdue(world: World, time_machine: Any) -> None:
    invoice = finalised(world)
    receivables_overdue_mark(today=FIRST)
    move(time_machine, D(2026, 7, 20))

    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("121.00"), date=D(2026, 7, 20), reference="")

    r = Receivable.objects.get(pk=invoice.pk)
    assert (r.status, r.overdue_since, r.paid_on) == (PaymentStatus.PAID, None, D(2026, 7, 20))


# ---------------------------------------------------------------------------- the reminder schedule


def test_reminders_follow_the_schedule_and_stop_at_three(
    world: World, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = finalised(world)
    statement = finalised(world, client=ClientFactory(internal=True, cost_centre="CC-100"))
    schedule = [
        (D(2026, 6, 16), {"overdue": 0, "reminders": 0}, None),
        (DUE, {"overdue": 0, "reminders": 0}, None),  # due today: not yet
        (FIRST, {"overdue": 2, "reminders": 1}, (1, FIRST)),  # the statement turns overdue too, unreminded
        (D(2026, 7, 17), {"overdue": 0, "reminders": 0}, (1, FIRST)),
        (D(2026, 7, 29), {"overdue": 0, "reminders": 0}, (1, FIRST)),  # 13 days later
        (SECOND, {"overdue": 0, "reminders": 1}, (2, SECOND)),  # 14 days later
        (D(2026, 8, 12), {"overdue": 0, "reminders": 0}, (2, SECOND)),
        (THIRD, {"overdue": 0, "reminders": 1}, (3, THIRD)),
        (D(2026, 8, 27), {"overdue": 0, "reminders": 0}, (3, THIRD)),  # never a fourth
        (D(2026, 12, 31), {"overdue": 0, "reminders": 0}, (3, THIRD)),
    ]
    subjects = []
    for day, counts, claimed in schedule:
        result, sent = daily(time_machine, day, django_capture_on_commit_callbacks)

        assert result == counts, day
        assert len(sent) == counts["reminders"], day
        subjects += [m.subject for m in sent]
        r = Receivable.objects.get(pk=invoice.pk)
        assert (r.reminders_sent, r.last_reminder_on) == (claimed or (0, None)), day

    assert subjects == [f"Herinnering {n} van 3: factuur 2026-00001 van Secretariaat Centraal" for n in (1, 2, 3)]
    assert REMINDERS_MAX == 3
    assert reminders(statement) == (PaymentStatus.OVERDUE, 0, None, FIRST)
    assert reminder_events(statement) == []
    assert reminder_events(invoice) == [
        {
            "reminder": n,
            "of": 3,
            "to": world.client.billing_email,
            "outstanding": "121.00",
            "due_date": "2026-07-15",
        }
        for n in (1, 2, 3)
    ]
    actors = set(AuditEvent.objects.filter(action="invoice.reminder").values_list("actor", flat=True))
    assert actors == {None}


def test_reminders_stop_once_paid_and_show_what_is_still_owed(
    world: World, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = finalised(world)
    daily(time_machine, FIRST, django_capture_on_commit_callbacks)
    move(time_machine, D(2026, 7, 20))
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("100.00"), date=D(2026, 7, 20), reference="")

    result, [second] = daily(time_machine, SECOND, django_capture_on_commit_callbacks)

    assert result == {"overdue": 0, "reminders": 1}
    assert "nog € 21,00 open" in second.body
    assert reminder_events(invoice)[-1]["outstanding"] == "21.00"
    move(time_machine, D(2026, 8, 1))
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=D(2026, 8, 1), reference="")

    result, sent = daily(time_machine, THIRD, django_capture_on_commit_callbacks)

    assert (result, sent) == ({"overdue": 0, "reminders": 0}, [])
    assert reminders(invoice) == (PaymentStatus.PAID, 2, SECOND, None)


def test_a_second_run_on_the_same_day_sends_nothing(
    world: World, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = finalised(world)
    daily(time_machine, FIRST, django_capture_on_commit_callbacks)
    events = AuditEvent.objects.count()

    result, sent = daily(time_machine, FIRST, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = payment_reminders_send()

    assert (result, sent, again) == ({"overdue": 0, "reminders": 0}, [], 0)
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.count() == events
    assert reminders(invoice) == (PaymentStatus.OVERDUE, 1, FIRST, FIRST)


def test_a_settled_internal_statement_and_a_paid_invoice_get_no_reminder(
    world: World, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    statement = finalised(world, client=ClientFactory(internal=True, cost_centre="CC-100"))
    internal_statements_settle(invoices=[statement], actor=world.finance, date=D(2026, 6, 15))
    paid = finalised(world)
    payment_record(invoice=paid, actor=world.finance, amount=Decimal("121.00"), date=D(2026, 6, 15), reference="")

    result, sent = daily(time_machine, FIRST, django_capture_on_commit_callbacks)

    assert (result, sent) == ({"overdue": 0, "reminders": 0}, [])


# ---------------------------------------------------------------------------- the e-mail


def test_the_dutch_reminder_e_mail(world: World, time_machine: Any, django_capture_on_commit_callbacks: Any) -> None:
    invoice = finalised(world)

    _, [message] = daily(time_machine, FIRST, django_capture_on_commit_callbacks)

    assert message.subject == "Herinnering 1 van 3: factuur 2026-00001 van Secretariaat Centraal"
    assert (message.from_email, message.to) == (settings.DEFAULT_FROM_EMAIL, [world.client.billing_email])
    assert message.body == (
        "Geachte relatie,\n\n"
        "Volgens onze administratie staat van factuur 2026-00001 van 15-06-2026 nog € 121,00 open; "
        "de vervaldatum was 15-07-2026.\n"
        "U kunt overmaken op NL91ABNA0417164300 t.n.v. Secretariaat Centraal o.v.v. 2026-00001.\n\n"
        "Heeft u inmiddels betaald, dan kunt u deze herinnering negeren.\n\n"
        "Met vriendelijke groet,\nSecretariaat Centraal\n"
    )
    [(name, content, mimetype)] = message.attachments
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (name, mimetype) == ("2026-00001.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    with stored.pdf.open("rb") as pdf:
        assert content == pdf.read()


def test_the_english_reminder_e_mail_with_the_pay_link(
    world: World, time_machine: Any, django_capture_on_commit_callbacks: Any, fake_stripe: FakeStripe
) -> None:
    client = ClientFactory(legal_name="Initech Ltd", invoice_language="en", billing_email="ap@initech.example")
    invoice = finalised(world, client=client, amount="1000.00")
    link = f"http://127.0.0.1:8000/pay/{invoice.pk}/{pay_token(invoice_id=invoice.pk)}/"

    _, [message] = daily(time_machine, FIRST, django_capture_on_commit_callbacks)

    assert message.subject == "Reminder 1 of 3: invoice 2026-00001 from Secretariaat Centraal"
    assert message.to == ["ap@initech.example"]
    assert message.body == (
        "Dear customer,\n\n"
        "Our records show €1,210.00 still open on invoice 2026-00001 of 15 Jun 2026; it was due on 15 Jul 2026.\n"
        f"Pay online: {link}\n"
        "You can pay to NL91ABNA0417164300 in the name of Secretariaat Centraal, quoting 2026-00001.\n\n"
        "If you have paid in the meantime, please disregard this reminder.\n\n"
        "Kind regards,\nSecretariaat Centraal\n"
    )
    assert [(name, mimetype) for name, _, mimetype in message.attachments] == [("2026-00001.pdf", "application/pdf")]
    assert fake_stripe.requests == []  # the link is ours: Stripe is asked only when it is visited


def test_the_dutch_e_mail_has_the_pay_link_only_with_stripe_on(
    world: World, time_machine: Any, django_capture_on_commit_callbacks: Any, fake_stripe: FakeStripe
) -> None:
    invoice = finalised(world)
    link = f"http://127.0.0.1:8000/pay/{invoice.pk}/{pay_token(invoice_id=invoice.pk)}/"

    _, [message] = daily(time_machine, FIRST, django_capture_on_commit_callbacks)

    assert f"de vervaldatum was 15-07-2026.\nBetaal online: {link}\nU kunt overmaken op" in message.body


# ---------------------------------------------------------------------------- the task


def test_the_celery_task_marks_overdue_then_sends_the_reminders(
    world: World, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = finalised(world)
    finalised(world, client=ClientFactory(internal=True, cost_centre="CC-100"))
    move(time_machine, FIRST)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.receivables_daily.delay().get()

    assert result == {"overdue": 2, "reminders": 1}
    assert reminders(invoice) == (PaymentStatus.OVERDUE, 1, FIRST, FIRST)
    assert [m.subject for m in mail.outbox] == ["Herinnering 1 van 3: factuur 2026-00001 van Secretariaat Centraal"]
    assert settings.CELERY_BEAT_SCHEDULE["receivables-daily"]["task"] == "billing.tasks.receivables_daily"
    assert tasks.receivables_daily.name == "billing.tasks.receivables_daily"


def test_the_daily_step_defaults_to_today(world: World) -> None:
    finalised(world)

    assert receivables_daily() == {"overdue": 0, "reminders": 0}
    assert receivables_daily(today=FIRST) == {"overdue": 1, "reminders": 1}
