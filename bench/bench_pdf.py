"""Benchmark: invoice PDFs with ReportLab (billing/pdf/render.py) against HTML through wkhtmltopdf.

Renders a typical one-page tenant invoice (logo, two lines, one VAT rate, approval
evidence, a pay link) 1,000 times in one process and reports ms per invoice and
invoices per second; then renders the same invoice as HTML with ``wkhtmltopdf``
20 times and reports the ratio, with the goals: ReportLab under 5 ms per invoice,
and wkhtmltopdf at least 100x slower. The renderer needs no Django and no database.
"""

import base64
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from html import escape as esc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from billing.pdf import formatting as fmt
from billing.pdf.document import Customer, DocumentLine, Evidence, InvoiceDocument, Seller, VatRow
from billing.pdf.render import DEFAULT_LOGO, invoice_pdf_bytes

REPORTLAB_RUNS = 1000
WKHTMLTOPDF_RUNS = 20
REPORTLAB_GOAL_MS = 5.0
RATIO_GOAL = 100.0
JUNE_1, JUNE_30 = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)


def typical_invoice() -> InvoiceDocument:
    seller = Seller(
        name="Secretariaat Plein B.V.",
        address="Plein 1\n3511 AB Utrecht",
        kvk="12345678",
        vat_number="NL001234567B01",
        iban="NL91ABNA0417164300",
        email="facturen@plein.example",
        logo_path=DEFAULT_LOGO,
    )
    customer = Customer("Acme B.V.", ("Kade 12", "1011 AA Amsterdam"), "NL009876543B01", "", "87654321")
    rate, vat_rate = Decimal("55.00"), Decimal("21.00")
    lines = (
        DocumentLine("Sanne Secretaris", JUNE_1, JUNE_30, Decimal("12.25"), rate, Decimal("673.75"), vat_rate),
        DocumentLine("Tom Typist", JUNE_1, JUNE_30, Decimal("8.00"), rate, Decimal("440.00"), vat_rate),
    )
    approved_at = datetime.datetime(2026, 7, 1, 8, 5, tzinfo=datetime.UTC)
    return InvoiceDocument(
        kind="invoice",
        language="nl",
        number="2026-0042",
        issue_date=datetime.date(2026, 7, 1),
        due_date=datetime.date(2026, 7, 15),
        period_start=JUNE_1,
        period_end=JUNE_30,
        seller=seller,
        customer=customer,
        reverse_charge=False,
        lines=lines,
        vat_rows=(VatRow(vat_rate, Decimal("1113.75"), Decimal("233.89")),),
        net_total=Decimal("1113.75"),
        vat_total=Decimal("233.89"),
        total=Decimal("1347.64"),
        payment_reference="2026-0042",
        pay_url="https://checkout.stripe.com/c/pay/cs_live_a1B2c3D4e5F6g7H8",
        evidence=(
            Evidence("Sanne Secretaris", JUNE_1, JUNE_30, Decimal("12.25"), "Anna Approver", approved_at, False),
            Evidence("Tom Typist", JUNE_1, JUNE_30, Decimal("8.00"), "", None, True),
        ),
    )


def invoice_html(document: InvoiceDocument) -> str:
    """The same invoice as the HTML a template-based renderer would feed to wkhtmltopdf."""
    lang, labels = document.language, fmt.LABELS[document.language]
    seller, customer = document.seller, document.customer
    logo = base64.b64encode(Path(seller.logo_path).read_bytes()).decode()
    rows = "".join(
        f"<tr><td>{esc(line.description)}</td><td>{fmt.period(line.period_start, line.period_end, lang)}</td>"
        f"<td class=n>{fmt.hours(line.quantity, lang)} h</td><td class=n>{fmt.money(line.unit_price, lang)}</td>"
        f"<td class=n>{fmt.money(line.amount, lang)}</td></tr>"
        for line in document.lines
    )
    vat_rows = "".join(
        f"<tr><td>{labels['vat_on'].format(rate=fmt.percent(row.rate, lang), net=fmt.money(row.net, lang))}</td>"
        f"<td class=n>{fmt.money(row.vat, lang)}</td></tr>"
        for row in document.vat_rows
    )
    evidence = "".join(
        f"<li>{esc(item.secretary)} · {fmt.period(item.period_start, item.period_end, lang)} · "
        f"{fmt.hours(item.hours, lang)} h · "
        + (
            labels["deemed"]
            if item.deemed or item.approved_at is None
            else labels["approved"].format(who=esc(item.approved_by), when=fmt.timestamp(item.approved_at))
        )
        + "</li>"
        for item in document.evidence
    )
    assert document.due_date is not None
    instruction = labels["pay_instruction"].format(
        total=fmt.money(document.total, lang),
        due=fmt.date(document.due_date, lang),
        iban=seller.iban,
        name=esc(seller.name),
        reference=esc(document.payment_reference),
    )
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><style>
body {{ font-family: Helvetica, Arial, sans-serif; font-size: 9pt; margin: 50px; }}
table {{ width: 100%; border-collapse: collapse; }} th {{ text-align: left; border-bottom: 1px solid #000; }}
.n {{ text-align: right; }} .seller {{ float: right; text-align: right; }} footer {{ font-size: 7.5pt; }}
</style></head><body>
<div class="seller"><b>{esc(seller.name)}</b><br>{esc(seller.address).replace(chr(10), "<br>")}<br>
{esc(seller.email)}</div>
<img src="data:image/png;base64,{logo}" width="150" height="45">
<p><b>{esc(customer.legal_name)}</b><br>{"<br>".join(esc(part) for part in customer.address_lines)}<br>
{labels["vat_number"]}: {esc(customer.vat_number)}</p>
<table style="width: 50%"><tr><td>{labels["number"]}</td><td>{esc(document.number)}</td></tr>
<tr><td>{labels["issue_date"]}</td><td>{fmt.date(document.issue_date, lang)}</td></tr>
<tr><td>{labels["due_date"]}</td><td>{fmt.date(document.due_date, lang)}</td></tr>
<tr><td>{labels["period"]}</td><td>{fmt.period(document.period_start, document.period_end, lang)}</td></tr></table>
<h1>{labels["title_invoice"]}</h1>
<table><tr><th>{labels["secretary"]}</th><th>{labels["period"]}</th><th class=n>{labels["hours"]}</th>
<th class=n>{labels["rate"]}</th><th class=n>{labels["amount"]}</th></tr>{rows}</table>
<table style="width: 50%; margin-left: 50%"><tr><td>{labels["net"]}</td>
<td class=n>{fmt.money(document.net_total, lang)}</td></tr>{vat_rows}
<tr><td><b>{labels["total"]}</b></td><td class=n><b>{fmt.money(document.total, lang)}</b></td></tr></table>
<p>{instruction}</p>
<p><b>{labels["pay_online"]}:</b> <a href="{esc(document.pay_url)}">{esc(document.pay_url)}</a></p>
<p><b>{labels["evidence"]}</b></p><ul>{evidence}</ul>
<footer>{esc(seller.name)} · {labels["kvk"]} {esc(seller.kvk)} · {labels["vat_number"]} {esc(seller.vat_number)} ·
{labels["iban"]} {esc(seller.iban)}</footer>
</body></html>"""


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Seconds per call of ``fn``, after one call to warm up."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[int(len(ordered) * 0.95) - 1]


def row(label: str, value: str) -> None:
    print(f"  {label:<40} {value:>16}")


def main() -> None:
    document = typical_invoice()
    size = len(invoice_pdf_bytes(document))
    reportlab = timed(lambda: invoice_pdf_bytes(document), REPORTLAB_RUNS)
    reportlab_mean = statistics.fmean(reportlab)
    reportlab_total = sum(reportlab)
    print(f"bench_pdf: a one-page {len(document.lines)}-line tenant invoice, {size:,} bytes")
    print(f"ReportLab, {REPORTLAB_RUNS} renders in one process")
    row("total", f"{reportlab_total:.2f} s")
    row("mean per invoice", f"{reportlab_mean * 1000:.2f} ms")
    row("p50 / p95 per invoice", f"{statistics.median(reportlab) * 1000:.2f} / {p95(reportlab) * 1000:.2f} ms")
    row("invoices per second", f"{REPORTLAB_RUNS / reportlab_total:,.0f}")
    verdict = "PASS" if reportlab_mean * 1000 < REPORTLAB_GOAL_MS else "MISS"
    row(f"goal < {REPORTLAB_GOAL_MS:g} ms per invoice", verdict)

    wkhtmltopdf = shutil.which("wkhtmltopdf")
    if wkhtmltopdf is None:
        print("wkhtmltopdf comparison skipped: wkhtmltopdf is not installed (apt-get install wkhtmltopdf)")
        return
    page = invoice_html(document).encode()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": folder}
        out = str(Path(folder) / "invoice.pdf")

        def convert() -> None:
            subprocess.run(  # noqa: S603 - a fixed argument list, no shell
                [wkhtmltopdf, "--quiet", "-", out], input=page, env=env, check=True, capture_output=True, timeout=120
            )

        html_times = timed(convert, WKHTMLTOPDF_RUNS)
        html_size = Path(out).stat().st_size
    html_mean = statistics.fmean(html_times)
    # Medians on both sides: this shared machine's speed wanders, and a few slow renders move a mean.
    ratio = statistics.median(html_times) / statistics.median(reportlab)
    print(
        f"wkhtmltopdf, {WKHTMLTOPDF_RUNS} renders of the same invoice as HTML ({html_size:,} bytes), one process each"
    )
    row("mean per invoice", f"{html_mean:.3f} s")
    row("p50 per invoice", f"{statistics.median(html_times):.3f} s")
    row("invoices per second", f"{1 / html_mean:,.1f}")
    row("ratio wkhtmltopdf / ReportLab (p50s)", f"{ratio:,.0f}x")
    row("ratio of the means", f"{html_mean / reportlab_mean:,.0f}x")
    row(f"goal >= {RATIO_GOAL:g}x (p50s)", "PASS" if ratio >= RATIO_GOAL else "MISS")


if __name__ == "__main__":
    main()
