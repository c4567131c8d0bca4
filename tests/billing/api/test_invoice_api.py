"""The invoicing API end to end, as finance and the clients' approvers use it.

Hours are logged and approved through the hours services (``approved_sheet``);
everything after that goes through the API. The clock is pinned to Monday
2026-06-15, so May 2026 is the month to bill. The after-commit work (render
the PDF, e-mail it) runs only where a test captures it.
"""

import datetime
import hashlib
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import TestCase
from rest_framework.test import APIClient

from backend.core.models import AuditEvent
from billing.models import Invoice
from secondments.models import Client, Placement, Timesheet, TimesheetStatus
from tests.billing.conftest import APRIL, MAY, approved_sheet
from tests.conftest import World, api_client_for
from tests.factories import ClientFactory, PlacementFactory, UserFactory

INVOICES = "/api/v1/invoices/"
RUNS = "/api/v1/invoice-runs/"
NOT_FOUND = {"message": "Not found.", "extra": {"fields": {}}}
JUNE = {datetime.date(2026, 6, d): "3.00" for d in (1, 2, 3)}  # 9 h in June 2026, up to today


def _invoice(pk: int, suffix: str = "") -> str:
    return f"{INVOICES}{pk}/{suffix}"


def _post(client: APIClient, path: str, body: Any = None) -> Any:
    return client.post(path, body, format="json")


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json() if status != 204 else None


def _run(client: APIClient, body: dict[str, Any]) -> Any:
    """Start a run as a worker carries it out: the API answers 202 (queued), the task runs after the commit,
    and the run read back is done."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = _ok(_post(client, RUNS, body), 202)
    assert (queued["status"], queued["finished_at"], queued["invoice_ids"]) == ("queued", None, [])
    return _ok(client.get(f"{RUNS}{queued['id']}/"))


def _new_events(after: int) -> list[tuple[str, str]]:
    """(action, object type) of the audit events recorded since event ``after``."""
    return list(AuditEvent.objects.filter(pk__gt=after).order_by("pk").values_list("action", "object_type"))


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _internal(world: World) -> tuple[Client, Placement, Any]:
    """An internal client (no VAT, recharge statements) where the secretary also works, at 45.00 an hour."""
    approver = UserFactory(email="facilities.approver@example.org", is_client_approver=True)
    client = ClientFactory(internal=True, legal_name="Afdeling Facilitair", approvers=[approver])
    placement = PlacementFactory(
        secretary=world.secretary, client=client, created_by=world.manager, rate=Decimal("45.00")
    )
    return client, placement, approver


def _hours_line(line_id: int, sheet: Timesheet, hours: str, price: str, amount: str, vat: str) -> dict[str, Any]:
    return {
        "id": line_id,
        "kind": "hours",
        "position": 1,
        "description": sheet.placement.secretary.user.full_name,
        "placement_id": sheet.placement_id,
        "timesheet_id": sheet.pk,
        "period_start": "2026-05-01",
        "period_end": "2026-05-31",
        "quantity": hours,
        "unit_price": price,
        "amount": amount,
        "vat_rate": vat,
        "credited_line_id": None,
    }


def _status(sheet: Timesheet) -> str:
    return Timesheet.objects.get(pk=sheet.pk).status


# ---------------------------------------------------------------- run, add a line, finalise


def test_a_run_bills_the_month_and_finance_finalises_the_drafts(
    world: World, api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    internal, internal_placement, internal_approver = _internal(world)
    acme_sheet = approved_sheet(world.placement, MAY, world.approver)
    globex_sheet = approved_sheet(world.other_placement, MAY, world.other_approver)
    internal_sheet = approved_sheet(internal_placement, MAY, internal_approver)
    finance = api("finance")
    before = _last_event()

    run = _run(finance, {"period": "2026-05"})

    acme, globex, department = run["invoice_ids"]
    assert run == {
        "id": run["id"],
        "period": "2026-05",
        "period_start": "2026-05-01",
        "period_end": "2026-05-31",
        "client_id": None,
        "started_by": "finance@example.org",
        "started_at": "2026-06-15T10:00:00+02:00",
        "status": "done",
        "finalize": False,
        "finished_at": "2026-06-15T10:00:00+02:00",
        "error": "",
        "invoice_count": 3,
        "line_count": 3,
        "timesheet_count": 3,
        "invoice_ids": [acme, globex, department],
    }
    assert _new_events(before) == [
        ("invoice_run.queue", "billing.invoicerun"),
        ("invoice.create", "billing.invoice"),
        ("invoice.create", "billing.invoice"),
        ("invoice.create", "billing.invoice"),
        ("timesheet.invoice", "secondments.timesheet"),
        ("timesheet.invoice", "secondments.timesheet"),
        ("timesheet.invoice", "secondments.timesheet"),
        ("invoice.lines_add", "billing.invoice"),
        ("invoice.lines_add", "billing.invoice"),
        ("invoice.lines_add", "billing.invoice"),
        ("invoice_run.start", "billing.invoicerun"),
    ]
    assert {_status(s) for s in (acme_sheet, globex_sheet, internal_sheet)} == {TimesheetStatus.INVOICED}

    # The drafts: one per client, one hours line each; the internal client pays no VAT.
    drafts = {pk: _ok(finance.get(_invoice(pk))) for pk in run["invoice_ids"]}
    expected = {
        acme: (world.client, "invoice", "standard", acme_sheet, "55.00", "1100.00", "21.00", "231.00", "1331.00"),
        globex: (
            world.other_client,
            "invoice",
            "standard",
            globex_sheet,
            "55.00",
            "1100.00",
            "21.00",
            "231.00",
            "1331.00",
        ),
        department: (internal, "internal", "none", internal_sheet, "45.00", "900.00", "0.00", "0.00", "900.00"),
    }
    for pk, (client, kind, treatment, sheet, price, net, rate, vat, total) in expected.items():
        draft = drafts[pk]
        assert (draft["client"], draft["kind"], draft["status"], draft["number"], draft["run_id"]) == (
            {"id": client.pk, "legal_name": client.legal_name},
            kind,
            "draft",
            "",
            run["id"],
        )
        assert (draft["period_start"], draft["period_end"], draft["vat_treatment"]) == (
            "2026-05-01",
            "2026-05-31",
            treatment,
        )
        assert (draft["issue_date"], draft["due_date"], draft["customer"], draft["pdf_url"]) == (None, None, None, None)
        assert (draft["net_total"], draft["vat_total"], draft["total"]) == (net, vat, total)
        assert draft["vat_breakdown"] == [{"rate": rate, "net": net, "vat": vat}]
        [line] = draft["lines"]
        assert line == _hours_line(line["id"], sheet, "20.00", price, net, rate)

    # Finance adds a manual line at the reduced rate to Acme's draft.
    line_body = {"description": "Minutes course", "quantity": "2", "unit_price": "150.00", "vat_rate": "9"}
    with_line = _ok(_post(finance, _invoice(acme, "lines/"), line_body), 201)

    assert (with_line["net_total"], with_line["vat_total"], with_line["total"]) == ("1400.00", "258.00", "1658.00")
    assert with_line["vat_breakdown"] == [
        {"rate": "21.00", "net": "1100.00", "vat": "231.00"},
        {"rate": "9.00", "net": "300.00", "vat": "27.00"},
    ]
    assert with_line["lines"][1] == {
        "id": with_line["lines"][1]["id"],
        "kind": "manual",
        "position": 2,
        "description": "Minutes course",
        "placement_id": None,
        "timesheet_id": None,
        "period_start": None,
        "period_end": None,
        "quantity": "2.00",
        "unit_price": "150.00",
        "amount": "300.00",
        "vat_rate": "9.00",
        "credited_line_id": None,
    }

    # Finalise all three at once; after commit the PDFs are rendered and e-mailed.
    before = _last_event()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        finalised = _ok(_post(finance, f"{INVOICES}finalize/", {"invoice_ids": [department, globex, acme]}))

    assert len(callbacks) == 1
    assert [(i["id"], i["status"], i["number"]) for i in finalised] == [
        (acme, "finalised", "2026-00001"),
        (globex, "finalised", "2026-00002"),
        (department, "finalised", "IR-2026-00001"),  # its own series
    ]
    for invoice in finalised:
        assert (invoice["issue_date"], invoice["due_date"], invoice["finalised_at"]) == (
            "2026-06-15",
            "2026-07-15",  # 30 days
            "2026-06-15T10:00:00+02:00",
        )
        assert invoice["pdf_url"] == f"/api/v1/invoices/{invoice['id']}/pdf/"
    assert finalised[0]["customer"] == {
        "legal_name": "Acme B.V.",
        "street": "Stationsplein 1",
        "postcode": "3511 ED",
        "city": "Utrecht",
        "country": "NL",
        "kvk_number": "12345678",
        "vat_number": "NL004495445B01",
        "cost_centre": "",
        "billing_email": world.client.billing_email,
    }
    assert finalised[0]["total"] == "1658.00"  # frozen as the draft stood
    assert _new_events(before) == [
        ("invoice.finalize", "billing.invoice"),
        ("invoice.finalize", "billing.invoice"),
        ("invoice.finalize", "billing.invoice"),
        ("invoice.pdf_store", "billing.invoice"),
        ("invoice.pdf_store", "billing.invoice"),
        ("invoice.pdf_store", "billing.invoice"),
        ("invoice.email", "billing.invoice"),
        ("invoice.email", "billing.invoice"),
        ("invoice.email", "billing.invoice"),
    ]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (world.client.billing_email, "Factuur 2026-00001 van Secretariaat Centraal"),
            (world.other_client.billing_email, "Factuur 2026-00002 van Secretariaat Centraal"),
            (internal.billing_email, "Interne doorbelasting IR-2026-00001 van Secretariaat Centraal"),
        ]
    )
    stored = {i.pk: i for i in Invoice.objects.filter(pk__in=[acme, globex, department])}
    for message in mail.outbox:
        [(name, content, mimetype)] = message.attachments
        invoice = next(i for i in stored.values() if name == f"{i.number}.pdf")
        assert mimetype == "application/pdf"
        assert hashlib.sha256(content).hexdigest() == invoice.pdf_sha256

    # A second run for the month finds nothing left to bill.
    again = _run(finance, {"period": "2026-05"})
    assert (again["invoice_count"], again["line_count"], again["timesheet_count"], again["invoice_ids"]) == (
        0,
        0,
        0,
        [],
    )


def test_a_run_for_one_client_that_finalises_numbers_its_invoice_at_once(world: World, api: Any) -> None:
    may = approved_sheet(world.placement, MAY, world.approver)
    april = approved_sheet(world.placement, APRIL, world.approver)  # earlier, not yet billed: billed now too
    other = approved_sheet(world.other_placement, MAY, world.other_approver)
    finance = api("finance")

    run = _run(finance, {"period": "2026-05", "client_id": world.client.pk, "finalize": True})

    assert (run["client_id"], run["invoice_count"], run["line_count"], run["timesheet_count"]) == (
        world.client.pk,
        1,
        2,
        2,
    )
    [pk] = run["invoice_ids"]
    invoice = _ok(finance.get(_invoice(pk)))
    assert (invoice["status"], invoice["number"], invoice["total"]) == ("finalised", "2026-00001", "1663.75")
    assert [
        (line["timesheet_id"], line["period_start"], line["quantity"], line["amount"]) for line in invoice["lines"]
    ] == [
        (april.pk, "2026-04-01", "5.00", "275.00"),
        (may.pk, "2026-05-01", "20.00", "1100.00"),
    ]
    assert _status(other) == TimesheetStatus.APPROVED  # the other client's hours wait for their run


# ---------------------------------------------------------------- the PDF


@pytest.mark.parametrize("after_commit", [True, False], ids=["rendered-after-commit", "rendered-on-demand"])
def test_an_approver_downloads_the_pdf_of_their_clients_invoice(
    world: World, api: Any, django_capture_on_commit_callbacks: Any, after_commit: bool
) -> None:
    approved_sheet(world.placement, MAY, world.approver)
    finance = api("finance")
    [pk] = _run(finance, {"period": "2026-05"})["invoice_ids"]
    with django_capture_on_commit_callbacks(execute=after_commit):
        _ok(_post(finance, _invoice(pk, "finalize/")))
    assert bool(Invoice.objects.get(pk=pk).pdf_sha256) is after_commit

    response = api("client_approver").get(_invoice(pk, "pdf/"))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    stored = Invoice.objects.get(pk=pk)
    assert body.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="2026-00001.pdf"'
    assert response["X-Content-SHA256"] == hashlib.sha256(body).hexdigest() == stored.pdf_sha256
    assert stored.pdf.name == "invoices/2026/2026-00001.pdf"
    # Rendered once: a second download (by finance) serves the same stored bytes, and nothing is stored anew.
    events = _last_event()
    again = finance.get(_invoice(pk, "pdf/"))
    assert b"".join(again.streaming_content) == body
    assert again["X-Content-SHA256"] == stored.pdf_sha256
    assert _new_events(events) == []
    assert AuditEvent.objects.filter(action="invoice.pdf_store", object_id=str(pk)).count() == 1


def test_the_pdf_of_another_clients_invoice_or_of_a_draft_is_not_served(world: World, api: Any) -> None:
    approved_sheet(world.placement, MAY, world.approver)
    approved_sheet(world.other_placement, MAY, world.other_approver)
    finance = api("finance")
    mine, others = _run(finance, {"period": "2026-05"})["invoice_ids"]
    _ok(_post(finance, _invoice(mine, "finalize/")))
    approver = api("client_approver")

    assert approver.get(_invoice(mine, "pdf/")).status_code == 200
    other_client = approver.get(_invoice(others, "pdf/"))  # a draft, and not the approver's client
    assert (other_client.status_code, other_client.json()) == (404, NOT_FOUND)
    _ok(_post(finance, _invoice(others, "finalize/")))
    finalised_other = approver.get(_invoice(others, "pdf/"))  # finalised now, still not the approver's client
    assert (finalised_other.status_code, finalised_other.json()) == (404, NOT_FOUND)
    assert api_client_for(world.other_approver).get(_invoice(others, "pdf/")).status_code == 200

    # A draft has no PDF: finance is told so, an approver does not even see the draft.
    draft = _ok(_post(finance, INVOICES, {"client_id": world.client.pk}), 201)
    _ok(
        _post(finance, _invoice(draft["id"], "lines/"), {"description": "Fee", "quantity": "1", "unit_price": "10"}),
        201,
    )
    refused = finance.get(_invoice(draft["id"], "pdf/"))
    assert (refused.status_code, refused.json()) == (
        400,
        {"message": "A draft has no PDF yet: finalise it first.", "extra": {"fields": {"status": ["Is draft."]}}},
    )
    hidden = approver.get(_invoice(draft["id"], "pdf/"))
    assert (hidden.status_code, hidden.json()) == (404, NOT_FOUND)


# ---------------------------------------------------------------- credit notes


def test_a_full_credit_note_releasing_the_hours_lets_the_next_run_bill_them_again(world: World, api: Any) -> None:
    sheet = approved_sheet(world.placement, MAY, world.approver)
    finance = api("finance")
    [pk] = _run(finance, {"period": "2026-05"})["invoice_ids"]
    _ok(
        _post(finance, _invoice(pk, "lines/"), {"description": "Minutes course", "quantity": "2", "unit_price": "150"}),
        201,
    )
    original = _ok(_post(finance, _invoice(pk, "finalize/")))
    hours_line, course_line = original["lines"]
    assert (original["number"], original["total"], _status(sheet)) == ("2026-00001", "1694.00", "invoiced")
    before = _last_event()

    note = _ok(
        _post(finance, _invoice(pk, "credit-note/"), {"reason": "Billed to the wrong client.", "release_hours": True}),
        201,
    )

    assert (note["kind"], note["status"], note["number"], note["client"]["id"]) == (
        "credit_note",
        "finalised",
        "CN-2026-00001",
        world.client.pk,
    )
    assert (note["credited_invoice"], note["reason"], note["releases_hours"]) == (
        {"id": pk, "number": "2026-00001"},
        "Billed to the wrong client.",
        True,
    )
    assert (note["issue_date"], note["due_date"]) == ("2026-06-15", None)  # nothing to pay
    assert (note["net_total"], note["vat_total"], note["total"]) == ("-1400.00", "-294.00", "-1694.00")
    assert note["vat_breakdown"] == [{"rate": "21.00", "net": "-1400.00", "vat": "-294.00"}]
    assert [
        (
            line["kind"],
            line["position"],
            line["timesheet_id"],
            line["quantity"],
            line["amount"],
            line["credited_line_id"],
        )
        for line in note["lines"]
    ] == [
        ("hours", 1, sheet.pk, "-20.00", "-1100.00", hours_line["id"]),
        ("manual", 2, None, "-2.00", "-300.00", course_line["id"]),
    ]
    assert _new_events(before) == [
        ("credit_note.create", "billing.invoice"),
        ("invoice.finalize", "billing.invoice"),
        ("invoice.payment_status", "billing.invoice"),  # nothing is owed on the original any more
        ("timesheet.release", "secondments.timesheet"),
    ]
    assert _status(sheet) == TimesheetStatus.APPROVED
    # The client's approver sees the credit note and downloads it.
    pdf = api("client_approver").get(_invoice(note["id"], "pdf/"))
    assert (pdf.status_code, pdf["Content-Disposition"]) == (200, 'attachment; filename="CN-2026-00001.pdf"')
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == pdf["X-Content-SHA256"]

    # The original stays as it was; crediting it again is refused.
    assert _ok(finance.get(_invoice(pk)))["total"] == "1694.00"
    again = _post(finance, _invoice(pk, "credit-note/"), {"reason": "Once more."})
    assert (again.status_code, again.json()) == (
        400,
        {"message": "This invoice is credited in full already.", "extra": {"fields": {}}},
    )

    # The next run bills the released hours anew, on a new draft that takes the next number.
    rerun = _run(finance, {"period": "2026-05"})
    assert (rerun["invoice_count"], rerun["line_count"], rerun["timesheet_count"]) == (1, 1, 1)
    [new_pk] = rerun["invoice_ids"]
    assert new_pk not in (pk, note["id"])
    rebilled = _ok(_post(finance, _invoice(new_pk, "finalize/")))
    assert (rebilled["number"], rebilled["total"]) == ("2026-00002", "1331.00")
    assert [(line["timesheet_id"], line["quantity"], line["amount"]) for line in rebilled["lines"]] == [
        (sheet.pk, "20.00", "1100.00")
    ]
    assert _status(sheet) == TimesheetStatus.INVOICED


def test_partial_credit_notes_credit_what_remains(world: World, api: Any) -> None:
    sheet = approved_sheet(world.placement, MAY, world.approver)
    finance = api("finance")
    [pk] = _run(finance, {"period": "2026-05", "finalize": True})["invoice_ids"]
    [line] = _ok(finance.get(_invoice(pk)))["lines"]
    part = {"reason": "Five hours were booked twice.", "lines": [{"line_id": line["id"], "quantity": "5"}]}

    first = _ok(_post(finance, _invoice(pk, "credit-note/"), part), 201)
    too_much = _post(
        finance, _invoice(pk, "credit-note/"), {**part, "lines": [{"line_id": line["id"], "quantity": "15.25"}]}
    )
    rest = _ok(_post(finance, _invoice(pk, "credit-note/"), {"reason": "The rest."}), 201)

    assert (first["number"], first["total"], first["releases_hours"]) == ("CN-2026-00001", "-332.75", False)
    assert too_much.json() == {
        "message": "No credit note was made.",
        "extra": {"fields": {"lines.0.quantity": ["Credit more than 0 and at most 15.00 (what is not credited yet)."]}},
    }
    assert (rest["number"], rest["total"]) == ("CN-2026-00002", "-998.25")  # 15 h: -825.00 and -173.25 VAT
    assert [(r["quantity"], r["amount"]) for r in rest["lines"]] == [("-15.00", "-825.00")]
    assert _status(sheet) == TimesheetStatus.INVOICED  # not released: billed and credited as it stands


# ---------------------------------------------------------------- drafts: remove lines, delete


def test_removing_hours_from_a_draft_or_deleting_it_gives_the_hours_back(world: World, api: Any) -> None:
    may = approved_sheet(world.placement, MAY, world.approver)
    april = approved_sheet(world.placement, APRIL, world.approver)
    finance = api("finance")
    [pk] = _run(finance, {"period": "2026-05"})["invoice_ids"]
    april_line, may_line = _ok(finance.get(_invoice(pk)))["lines"]
    assert (april_line["timesheet_id"], may_line["timesheet_id"]) == (april.pk, may.pk)

    after = _ok(finance.delete(_invoice(pk, f"lines/{april_line['id']}/")))

    assert [line["id"] for line in after["lines"]] == [may_line["id"]]
    assert (after["net_total"], after["total"]) == ("1100.00", "1331.00")
    assert (_status(april), _status(may)) == (TimesheetStatus.APPROVED, TimesheetStatus.INVOICED)

    _ok(finance.delete(_invoice(pk)), 204)

    assert not Invoice.objects.filter(pk=pk).exists()
    assert (_status(april), _status(may)) == (TimesheetStatus.APPROVED, TimesheetStatus.APPROVED)
    gone = finance.get(_invoice(pk))
    assert (gone.status_code, gone.json()) == (404, NOT_FOUND)


def test_a_finalised_invoice_cannot_be_deleted_or_changed(world: World, api: Any) -> None:
    approved_sheet(world.placement, MAY, world.approver)
    finance = api("finance")
    [pk] = _run(finance, {"period": "2026-05", "finalize": True})["invoice_ids"]
    [line] = _ok(finance.get(_invoice(pk)))["lines"]
    refusal = {
        "message": "Invoice 2026-00001 is finalised: it cannot be {}. Correct it with a credit note.",
        "extra": {"fields": {"status": ["Is finalised."]}},
    }

    deleted = finance.delete(_invoice(pk))
    line_removed = finance.delete(_invoice(pk, f"lines/{line['id']}/"))
    line_added = _post(finance, _invoice(pk, "lines/"), {"description": "Fee", "quantity": "1", "unit_price": "10"})

    assert (deleted.status_code, deleted.json()) == (400, {**refusal, "message": refusal["message"].format("deleted")})
    for response in (line_removed, line_added):
        assert (response.status_code, response.json()) == (
            400,
            {**refusal, "message": refusal["message"].format("changed")},
        )
    assert _ok(finance.get(_invoice(pk)))["lines"] == [line]


# ---------------------------------------------------------------- who sees what; filters


@pytest.fixture
def books(world: World, api: Any) -> dict[str, Any]:
    """Through the API: Acme's finalised May invoice (2026-00001) and its partial credit note
    (CN-2026-00001); a manual draft for Acme; Globex's May draft; and the internal client's June
    statement (9 h at 45.00), finalised (IR-2026-00001)."""
    internal, internal_placement, internal_approver = _internal(world)
    approved_sheet(world.placement, MAY, world.approver)
    approved_sheet(world.other_placement, MAY, world.other_approver)
    finance = api("finance")
    may_run = _run(finance, {"period": "2026-05"})
    acme, globex = may_run["invoice_ids"]
    invoice = _ok(_post(finance, _invoice(acme, "finalize/")))
    note = _ok(
        _post(
            finance,
            _invoice(acme, "credit-note/"),
            {"reason": "One hour too many.", "lines": [{"line_id": invoice["lines"][0]["id"], "quantity": "1"}]},
        ),
        201,
    )
    manual = _ok(_post(finance, INVOICES, {"client_id": world.client.pk, "notes": "Sponsorship"}), 201)
    approved_sheet(internal_placement, JUNE, internal_approver)
    june_run = _run(finance, {"period": "2026-06", "client_id": internal.pk, "finalize": True})
    [statement] = june_run["invoice_ids"]
    numbers = dict(Invoice.objects.values_list("pk", "number"))
    assert (numbers[acme], numbers[note["id"]], numbers[statement]) == ("2026-00001", "CN-2026-00001", "IR-2026-00001")
    assert (numbers[globex], numbers[manual["id"]]) == ("", "")
    return {
        "acme": acme,
        "note": note["id"],
        "manual": manual["id"],
        "globex": globex,
        "statement": statement,
        "internal": internal,
        "may_run": may_run["id"],
        "june_run": june_run["id"],
    }


def _ids(client: APIClient, query: dict[str, Any] | None = None) -> set[int]:
    body = _ok(client.get(INVOICES, {"page_size": 100, **(query or {})}))
    assert body["count"] == len(body["results"])
    return {row["id"] for row in body["results"]}


def test_an_approver_sees_their_clients_finalised_invoices_and_credit_notes_never_a_draft(
    world: World, api: Any, books: dict[str, Any]
) -> None:
    approver = api("client_approver")

    assert _ids(approver) == {books["acme"], books["note"]}
    assert _ids(approver, {"status": "draft"}) == set()
    assert _ids(approver, {"client": world.other_client.pk}) == set()
    draft = approver.get(_invoice(books["manual"]))
    assert (draft.status_code, draft.json()) == (404, NOT_FOUND)
    assert _ok(approver.get(_invoice(books["note"])))["credited_invoice"] == {
        "id": books["acme"],
        "number": "2026-00001",
    }
    # Finalising the draft shows it to them.
    _ok(
        _post(
            api("finance"),
            _invoice(books["manual"], "lines/"),
            {"description": "Fee", "quantity": "1", "unit_price": "10"},
        ),
        201,
    )
    _ok(_post(api("finance"), _invoice(books["manual"], "finalize/")))
    assert _ids(approver) == {books["acme"], books["note"], books["manual"]}


@pytest.mark.parametrize("role", ["finance", "director"])
def test_finance_and_directors_see_every_invoice(world: World, api: Any, books: dict[str, Any], role: str) -> None:
    everything = {books[k] for k in ("acme", "note", "manual", "globex", "statement")}

    assert _ids(api(role)) == everything


def test_the_invoice_list_filters(world: World, api: Any, books: dict[str, Any]) -> None:
    finance = api("finance")
    b = books

    assert _ids(finance, {"status": "draft"}) == {b["manual"], b["globex"]}
    assert _ids(finance, {"status": "finalised"}) == {b["acme"], b["note"], b["statement"]}
    assert _ids(finance, {"kind": "invoice"}) == {b["acme"], b["manual"], b["globex"]}
    assert _ids(finance, {"kind": "credit_note"}) == {b["note"]}
    assert _ids(finance, {"kind": "internal"}) == {b["statement"]}
    assert _ids(finance, {"client": world.client.pk}) == {b["acme"], b["note"], b["manual"]}
    assert _ids(finance, {"client": world.client.pk, "status": "draft"}) == {b["manual"]}
    assert _ids(finance, {"client": b["internal"].pk}) == {b["statement"]}
    assert _ids(finance, {"run": b["may_run"]}) == {b["acme"], b["globex"]}
    assert _ids(finance, {"number": "00001"}) == {b["acme"], b["note"], b["statement"]}
    assert _ids(finance, {"number": "cn-2026"}) == {b["note"]}
    assert _ids(finance, {"period": "2026-06-01"}) == {b["statement"]}
    assert _ids(finance, {"issued_from": "2026-06-15", "issued_to": "2026-06-15"}) == {
        b["acme"],
        b["note"],
        b["statement"],
    }
    assert _ids(finance, {"issued_from": "2026-06-16"}) == set()
    refused = finance.get(INVOICES, {"status": "paid"})
    assert refused.status_code == 400
    assert refused.json() == {
        "message": "Validation failed.",
        "extra": {"fields": {"status": ["Select a valid choice. paid is not one of the available choices."]}},
    }


@pytest.mark.django_db(transaction=True)
def test_without_a_task_queue_the_run_is_carried_out_before_the_answer(world: World, api: Any) -> None:
    """The demo has no broker: the task runs eagerly at the commit, so the answer is the finished run (201)."""
    approved_sheet(world.placement, MAY, world.approver)

    run = _ok(_post(api("finance"), RUNS, {"period": "2026-05"}), 201)

    assert (run["status"], run["finished_at"], run["error"], run["invoice_count"], run["timesheet_count"]) == (
        "done",
        "2026-06-15T10:00:00+02:00",
        "",
        1,
        1,
    )
    assert run["invoice_ids"] == [Invoice.objects.get().pk]


def test_a_run_that_fails_in_the_worker_is_read_back_failed_with_its_reason(world: World, api: Any) -> None:
    """Hours without a rate: the run is recorded as failed, with the reason, and bills nothing."""
    sheet = approved_sheet(world.placement, MAY, world.approver)
    world.placement.rates.update(valid_from=datetime.date(2026, 5, 6))
    finance = api("finance")

    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = _ok(_post(finance, RUNS, {"period": "2026-05"}), 202)
    run = _ok(finance.get(f"{RUNS}{queued['id']}/"))

    assert (run["status"], run["finished_at"], run["invoice_ids"], run["invoice_count"]) == (
        "failed",
        "2026-06-15T10:00:00+02:00",
        [],
        0,
    )
    assert run["error"] == f"Timesheet {sheet.pk} has hours before its placement has a rate."
    assert (Invoice.objects.count(), _status(sheet)) == (0, TimesheetStatus.APPROVED)


def test_the_run_list_and_detail(world: World, api: Any, books: dict[str, Any]) -> None:
    finance = api("finance")

    body = _ok(finance.get(RUNS))
    june = _ok(finance.get(f"{RUNS}{books['june_run']}/"))

    assert [(r["id"], r["period"], r["client_id"], r["invoice_count"]) for r in body["results"]] == [
        (books["june_run"], "2026-06", books["internal"].pk, 1),
        (books["may_run"], "2026-05", None, 2),
    ]
    assert (june["invoice_ids"], june["line_count"], june["timesheet_count"]) == ([books["statement"]], 1, 1)
    refused = api("client_approver").get(RUNS)
    assert (refused.status_code, refused.json()["message"]) == (403, "Your role does not allow this action.")


# ---------------------------------------------------------------- line positions


def test_a_later_run_appends_its_lines_after_the_drafts_last_line(world: World, api: Any) -> None:
    may = approved_sheet(world.placement, MAY, world.approver)
    april = approved_sheet(world.placement, APRIL, world.approver)
    finance = api("finance")
    [pk] = _run(finance, {"period": "2026-05"})["invoice_ids"]
    _ok(_post(finance, _invoice(pk, "lines/"), {"description": "Course", "quantity": "1", "unit_price": "500"}), 201)
    april_line = _ok(finance.get(_invoice(pk)))["lines"][0]
    assert april_line["timesheet_id"] == april.pk
    _ok(finance.delete(_invoice(pk, f"lines/{april_line['id']}/")))  # April's hours are approved again

    assert _run(finance, {"period": "2026-05"})["invoice_ids"] == [pk]  # the same draft

    lines = _ok(finance.get(_invoice(pk)))["lines"]
    assert [(line["position"], line["timesheet_id"]) for line in lines] == [(2, may.pk), (3, None), (4, april.pk)]
