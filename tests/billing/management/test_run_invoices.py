"""``python manage.py run_invoices --period 2026-05 [--client ID] [--finalize]``."""

import io

import pytest
from django.core.management import CommandError, call_command

from billing.models import Invoice, InvoiceStatus
from secondments.models import Timesheet
from tests.conftest import World


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("run_invoices", *args, stdout=out)
    return out.getvalue()


def test_the_run_makes_drafts_and_says_what_it_did(world: World, may_sheet: Timesheet) -> None:
    output = run("--period", "2026-05")

    invoice = Invoice.objects.get()
    assert output == (
        f"Run {invoice.run_id} for 2026-05: 1 timesheets, 1 lines, 1 invoices.\n"
        f"  Draft {invoice.pk}  Acme B.V.: 1331.00 (draft)\n"
    )
    assert invoice.run is not None and invoice.run.started_by == world.finance


def test_finalize_and_one_client(world: World, may_sheet: Timesheet) -> None:
    output = run("--period", "2026-05", "--client", str(world.client.pk), "--finalize")

    assert output.endswith("  2026-00001  Acme B.V.: 1331.00 (finalised)\n")
    assert Invoice.objects.get().status == InvoiceStatus.FINALISED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13"], "'2026-13' is not a month such as 2026-10."),
        (["--period", "2026-07"], "That month has not begun yet."),
        (["--period", "2026-05", "--client", "999999"], "No client with id 999999."),
        (
            ["--period", "2026-05", "--actor", "x@example.org"],
            "No active finance user to record the run under (see --actor).",
        ),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(
    world: World, may_sheet: Timesheet, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        run(*args)

    assert str(refused.value) == message
    assert Invoice.objects.count() == 0
