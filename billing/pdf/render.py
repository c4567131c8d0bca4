"""Draw an ``InvoiceDocument`` as an A4 PDF with the ReportLab canvas.

Built for runs of thousands of one-page invoices: the built-in Helvetica fonts
(nothing embedded), no platypus, the parts every page repeats (the seller
footer, the column header) drawn once per document as forms, and each logo read
and decoded once per process. ``invariant=1`` makes the bytes a pure function
of the document, so the invoice's stored SHA-256 can be checked by rendering again.

User text is drawn as plain PDF strings (one text object per page): it is never read as markup.
"""

import io
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from billing.pdf import formatting as fmt
from billing.pdf.document import DocumentLine, Evidence, InvoiceDocument

DEFAULT_LOGO = str(Path(__file__).resolve().parent / "assets" / "logo.png")

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT, RIGHT = 50.0, PAGE_WIDTH - 50.0
WIDTH = RIGHT - LEFT
TOP = PAGE_HEIGHT - 50.0
BOTTOM = 80.0  # the lowest baseline of the content; the footer lies below
FONT, BOLD = "Helvetica", "Helvetica-Bold"
SIZE, LEADING = 9.0, 13.0
LOGO_WIDTH, LOGO_HEIGHT = 150.0, 45.0
META_LABEL_X, META_VALUE_X = 320.0, 420.0
TOTALS_LABEL_X = 300.0
ELLIPSIS = "…"

_LOGOS: dict[str, ImageReader] = {}
_LOGOS_LOCK = threading.Lock()
_CONTROLS = str.maketrans("\t\n\r\v\f", "     ")
_STROKED = str.maketrans("ŁłĐđĦħı", "LlDdHhi")


@dataclass(frozen=True)
class _Column:
    key: str  # a LABELS key, and the key of the cell in a row
    left: float
    right: float
    numeric: bool  # right-aligned


def invoice_pdf_bytes(document: InvoiceDocument) -> bytes:
    """The PDF of ``document``; the same document always gives the same bytes."""
    return _Renderer(document).render()


def warm_up(logo_path: str = DEFAULT_LOGO) -> None:
    """Load what every render needs (this module, ReportLab, the logo) ahead of the first document,
    e.g. in a worker process while the documents are still being read."""
    if logo_path:
        _logo(logo_path)


def _logo(path: str) -> ImageReader:
    """The image at ``path``, read and decoded once per process (a changed file needs a restart)."""
    with _LOGOS_LOCK:
        reader = _LOGOS.get(path)
        if reader is None:
            reader = ImageReader(path)
            reader.getRGBData()  # decode now; renders then only read the cached pixels
            _LOGOS[path] = reader
    return reader


def _plain(text: str) -> str:
    """One line the built-in fonts can show: no control characters, and characters
    outside WinAnsi (cp1252) lose their accents or become "?" (Helvetica is not embedded)."""
    text = text.translate(_CONTROLS)
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return "".join(_nearest(ch) for ch in text.translate(_STROKED))
    return text


def _nearest(ch: str) -> str:
    try:
        return ch.encode("cp1252").decode("cp1252")
    except UnicodeEncodeError:
        base = unicodedata.normalize("NFKD", ch)[0]
        return base if base.isascii() else "?"


def _prefix(text: str, width: float, font: str, size: float) -> int:
    """The length of the longest prefix of ``text`` no wider than ``width``."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle], font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _fit(text: str, width: float, font: str, size: float) -> tuple[str, float]:
    """``text``, or as much of it as fits in ``width`` followed by an ellipsis; and its width."""
    drawn = stringWidth(text, font, size)
    if drawn <= width:
        return text, drawn
    room = width - stringWidth(ELLIPSIS, font, size)
    text = text[: _prefix(text, room, font, size)].rstrip() + ELLIPSIS
    return text, stringWidth(text, font, size)


def _columns(document: InvoiceDocument) -> tuple[_Column, ...]:
    """The line table: the description takes what the other columns leave; a VAT
    column only when the lines have more than one rate."""
    rates = {line.vat_rate for line in document.lines}
    widths = [("period", 122.0, False), ("hours", 55.0, True), ("rate", 70.0, True)]
    if document.kind != "internal" and len(rates) > 1:
        widths.append(("vat", 40.0, True))
    widths.append(("amount", 75.0, True))
    description = WIDTH - sum(width for _, width, _ in widths)
    columns = [_Column("secretary", LEFT, LEFT + description - 8.0, False)]
    x = LEFT + description
    for key, width, numeric in widths:
        columns.append(_Column(key, x, x + width, numeric))
        x += width
    return tuple(columns)


class _Renderer:
    """Draws one document top to bottom; ``y`` is the baseline of the next line."""

    def __init__(self, document: InvoiceDocument) -> None:
        self.document = document
        self.language = document.language
        self.labels = fmt.LABELS[document.language]
        self.columns = _columns(document)
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=1, pageCompression=0)
        self.page = 1
        self.y = TOP

    def render(self) -> bytes:
        document = self.document
        self.canvas.setTitle(f"{self._title()} {document.number}")
        self.canvas.setAuthor(document.seller.name)
        self._define_forms()
        self._open_text()
        self._head()
        self._lines()
        self._totals()
        self._payment()
        self._evidence()
        self._paragraphs(self.labels["notes"], document.notes)
        self._finish_page()
        self.canvas.save()
        return self.buffer.getvalue()

    # drawing primitives: the text of a page (or of a form) goes into one PDF text object

    def _open_text(self) -> None:
        self.ink = self.canvas.beginText()
        self.ink_font = ("", 0.0)

    def _close_text(self) -> None:
        self.canvas.drawText(self.ink)

    def _text(
        self,
        x: float,
        y: float,
        text: str,
        font: str = FONT,
        size: float = SIZE,
        width: float = WIDTH,
        right: bool = False,
    ) -> float:
        """Draws one line from ``x`` (or up to ``x`` when ``right``), cut to ``width``; returns its width."""
        text, drawn = _fit(_plain(text), width, font, size)
        if self.ink_font != (font, size):
            self.ink.setFont(font, size)
            self.ink_font = (font, size)
        self.ink.setTextOrigin(x - drawn if right else x, y)
        self.ink.textLine(text)  # unlike textOut, measures nothing: the next string sets its own origin
        return drawn

    def _line(self, text: str, font: str = FONT, size: float = SIZE) -> None:
        """A line of the flowing content, on a new page when this one is full."""
        self._need(1)
        self._text(LEFT, self.y, text, font, size)
        self.y -= LEADING

    def _heading(self, text: str) -> None:
        """A bold line kept on one page with the line after it."""
        self.y -= LEADING / 2
        self._need(2)
        self._line(text, BOLD)

    def _paragraphs(self, heading: str, text: str) -> None:
        if not text:
            return
        self._heading(heading)
        for paragraph in text.splitlines():
            self._wrapped(paragraph)

    def _wrapped(self, text: str) -> None:
        """``text`` broken into lines at spaces (a word too long for a line is cut short)."""
        for line in simpleSplit(_plain(text), FONT, SIZE, WIDTH) or [""]:
            self._line(line)

    def _rule(self, y: float) -> None:
        self.canvas.setLineWidth(0.5)
        self.canvas.line(LEFT, y, RIGHT, y)

    # pages

    def _define_forms(self) -> None:
        seller, labels = self.document.seller, self.labels
        canvas = self.canvas
        canvas.beginForm("footer")
        self._open_text()
        self._rule(BOTTOM - 22)
        address = ", ".join(part.strip() for part in seller.address.splitlines() if part.strip())
        registry = [
            f"{labels['kvk']} {seller.kvk}",
            f"{labels['vat_number']} {seller.vat_number}",
            f"{labels['iban']} {seller.iban}",
            seller.email,
        ]
        self._text(LEFT, BOTTOM - 34, f"{seller.name} · {address}", size=7.5, width=WIDTH - 70)
        self._text(LEFT, BOTTOM - 44, " · ".join(part for part in registry if part), size=7.5, width=WIDTH - 70)
        self._close_text()
        canvas.endForm()
        canvas.beginForm("columns", lowery=-6, uppery=LEADING)
        self._open_text()
        self._row({column.key: labels[column.key] for column in self.columns}, 0, BOLD)
        self._close_text()
        self._rule(-4)
        canvas.endForm()

    def _need(self, lines: int, table: bool = False) -> None:
        if self.y - (lines - 1) * LEADING < BOTTOM:
            self._finish_page()
            self.canvas.showPage()
            self._open_text()
            self.page += 1
            self.y = TOP - 10
            self._text(LEFT, self.y, f"{self._title()} {self.document.number}", BOLD, 10)
            self.y -= 2 * LEADING
            if table:
                self._column_header()

    def _finish_page(self) -> None:
        self._close_text()
        self.canvas.doForm("footer")
        self._open_text()
        self._text(RIGHT, BOTTOM - 34, self.labels["page"].format(page=self.page), size=7.5, right=True)
        self._close_text()

    def _title(self) -> str:
        return self.labels[f"title_{self.document.kind}"]

    # content

    def _head(self) -> None:
        document, labels = self.document, self.labels
        seller, customer = document.seller, document.customer
        if seller.logo_path:
            self.canvas.drawImage(
                _logo(seller.logo_path),
                LEFT,
                TOP - LOGO_HEIGHT,
                LOGO_WIDTH,
                LOGO_HEIGHT,
                mask="auto",
                preserveAspectRatio=True,
                anchor="nw",
            )
        y = TOP - 10
        self._text(RIGHT, y, seller.name, BOLD, 11, width=250, right=True)
        for part in [*seller.address.splitlines(), seller.email]:
            y -= LEADING
            self._text(RIGHT, y, part, width=250, right=True)

        top = TOP - 100
        y = top
        self._text(LEFT, y, customer.legal_name, BOLD, 10, width=250)
        extra = [
            (labels["vat_number"], customer.vat_number),
            (labels["kvk"], customer.kvk),
            (labels["cost_centre"], customer.cost_centre),
        ]
        for line in [*customer.address_lines, *(f"{label}: {value}" for label, value in extra if value)]:
            y -= LEADING
            self._text(LEFT, y, line, width=250)
        customer_bottom = y

        meta = [
            (labels["number"], document.number),
            (labels["issue_date"], fmt.date(document.issue_date, self.language)),
        ]
        if document.due_date is not None and document.kind != "credit_note":
            meta.append((labels["due_date"], fmt.date(document.due_date, self.language)))
        service = fmt.period(document.period_start, document.period_end, self.language)
        if service:
            meta.append((labels["period"], service))
        y = top
        for label, value in meta:
            self._text(META_LABEL_X, y, label, width=META_VALUE_X - META_LABEL_X - 6)
            self._text(META_VALUE_X, y, value, width=RIGHT - META_VALUE_X)
            y -= LEADING

        self.y = min(customer_bottom, y) - 30
        self._text(LEFT, self.y, self._title(), BOLD, 16)
        self.y -= 20
        if document.kind == "credit_note":
            self._line(labels["credit_for"].format(number=document.credited_number))
            self._wrapped(f"{labels['reason']}: {document.reason}")
        self.y -= 10
        self._column_header()

    def _column_header(self) -> None:
        self._close_text()  # keeps the page's text in reading order
        self.canvas.saveState()
        self.canvas.translate(0, self.y)
        self.canvas.doForm("columns")
        self.canvas.restoreState()
        self._open_text()
        self.y -= LEADING + 4

    def _row(self, cells: dict[str, str], y: float, font: str = FONT) -> None:
        for column in self.columns:
            x = column.right if column.numeric else column.left
            self._text(x, y, cells[column.key], font, width=column.right - column.left, right=column.numeric)

    def _cells(self, line: DocumentLine) -> dict[str, str]:
        language = self.language
        quantity = fmt.hours(line.quantity, language)
        return {
            "secretary": line.description,
            "period": fmt.period(line.period_start, line.period_end, language),
            "hours": f"{quantity} {self.labels['hour_unit']}" if line.is_hours else quantity,
            "rate": fmt.money(line.unit_price, language),
            "vat": fmt.percent(line.vat_rate, language),
            "amount": fmt.money(line.amount, language),
        }

    def _lines(self) -> None:
        for line in self.document.lines:
            self._need(1, table=True)
            self._row(self._cells(line), self.y)
            self.y -= LEADING

    def _totals(self) -> None:
        document, labels, language = self.document, self.labels, self.language
        rows: list[tuple[str, str, str]] = []
        if document.kind != "internal":
            rows.append((labels["net"], fmt.money(document.net_total, language), FONT))
            for vat in document.vat_rows:
                on = labels["vat_on"].format(rate=fmt.percent(vat.rate, language), net=fmt.money(vat.net, language))
                rows.append((on, fmt.money(vat.vat, language), FONT))
            if len(document.vat_rows) != 1:
                rows.append((labels["vat"], fmt.money(document.vat_total, language), FONT))
        rows.append((labels["total"], fmt.money(document.total, language), BOLD))
        self._need(len(rows) + 1)
        self._rule(self.y + LEADING - 4)
        self.y -= 4
        for label, amount, font in rows:
            self._text(TOTALS_LABEL_X, self.y, label, font, width=170)
            self._text(RIGHT, self.y, amount, font, right=True)
            self.y -= LEADING
        if document.reverse_charge:
            self.y -= LEADING / 2
            vat_number = document.customer.vat_number
            suffix = f" · {labels['vat_number']} {vat_number}" if vat_number else ""
            self._line(labels["reverse_charge"] + suffix, BOLD)

    def _payment(self) -> None:
        document, labels = self.document, self.labels
        if document.kind == "credit_note" or document.due_date is None:
            return
        if document.kind == "internal":  # settled within the organisation, never by bank transfer
            self.y -= LEADING / 2
            self._wrapped(labels["internal_settlement"].format(cost_centre=document.customer.cost_centre))
            return
        instruction = labels["pay_instruction"].format(
            total=fmt.money(document.total, self.language),
            due=fmt.date(document.due_date, self.language),
            iban=document.seller.iban,
            name=document.seller.name,
            reference=document.payment_reference,
        )
        self.y -= LEADING / 2
        self._wrapped(instruction)
        if document.pay_url:
            self._pay_link(document.pay_url)

    def _pay_link(self, url: str) -> None:
        """The label and the full URL, broken over as many lines as it needs, all of it clickable."""
        self.y -= LEADING / 2
        self._need(1)
        label = f"{self.labels['pay_online']}: "
        x = LEFT + self._text(LEFT, self.y, label, BOLD)
        rest = _plain(url)
        while rest:
            self._need(1)
            take = max(1, _prefix(rest, RIGHT - x, FONT, SIZE))
            self.ink.setFillColorRGB(0.05, 0.3, 0.65)
            width = self._text(x, self.y, rest[:take])
            self.canvas.linkURL(url, (x, self.y - 2, x + width, self.y + SIZE), relative=0, thickness=0)
            rest, x = rest[take:], LEFT
            self.y -= LEADING
        self.ink.setFillColorRGB(0, 0, 0)

    def _evidence(self) -> None:
        if not self.document.evidence:
            return
        self._heading(self.labels["evidence"])
        for evidence in self.document.evidence:
            self._wrapped(self._evidence_text(evidence))  # evidence is never cut short

    def _evidence_text(self, evidence: Evidence) -> str:
        labels, language = self.labels, self.language
        if evidence.deemed:
            status = labels["deemed"]
        elif evidence.approved_at is None:
            raise ValueError(f"evidence for {evidence.secretary}: neither deemed nor approved_at")
        else:
            status = labels["approved"].format(who=evidence.approved_by, when=fmt.timestamp(evidence.approved_at))
        return " · ".join(
            [
                evidence.secretary,
                fmt.period(evidence.period_start, evidence.period_end, language),
                f"{fmt.hours(evidence.hours, language)} {labels['hour_unit']}",
                status,
            ]
        )
