import { configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { finalised, invoice, me, page } from "./fixtures";
import { InvoicesPage } from "./InvoicesPage";
import { browser } from "./PayButton";

configure({ asyncUtilTimeout: 5000 });

const LIST = "GET /api/v1/invoices/";
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

const paid = finalised({
  id: 1,
  number: "2026-00001",
  total: "1234.50",
  payment: { ...finalised().payment!, status: "paid", amount_paid: "1234.50", outstanding: "0.00", paid_on: "2026-04-10" },
});
const overdue = finalised({
  id: 2,
  number: "2026-00002",
  client: { id: 4, legal_name: "Globex N.V." },
  total: "605.00",
  payment: { ...finalised().payment!, status: "overdue", amount_due: "605.00", outstanding: "605.00", overdue_since: "2026-04-03" },
});
const draft = invoice({ id: 3, client: { id: 5, legal_name: "Initech" } });

beforeEach(() => {
  Element.prototype.scrollIntoView ??= () => {}; // jsdom lacks it; Mantine's Select uses it
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(2026, 3, 15, 10, 0, 0)); // 15 April 2026
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("InvoicesPage", { timeout: 20_000 }, () => {
  it("lists invoices with their status, payment status and a PDF link per finalised invoice", async () => {
    const calls = mockApi({ [LIST]: page([paid, overdue, draft]) });
    await renderApp(<InvoicesPage me={me("finance")} />);

    const first = within(await screen.findByTestId("invoice-1"));
    expect(first.getByText("Acme B.V.")).toBeInTheDocument();
    expect(first.getByText("2 Apr 2026")).toBeInTheDocument();
    expect(first.getByText("2 May 2026")).toBeInTheDocument();
    expect(first.getByText("€1,234.50")).toBeInTheDocument();
    expect(first.getByText("Finalised")).toBeInTheDocument();
    expect(first.getByText("Paid")).toBeInTheDocument();
    expect(first.getByRole("link", { name: "PDF of 2026-00001" })).toHaveAttribute("href", "/api/v1/invoices/1/pdf/");

    const second = within(screen.getByTestId("invoice-2"));
    expect(second.getByText("Overdue")).toBeInTheDocument();
    expect(second.getByRole("link", { name: "PDF of 2026-00002" })).toHaveAttribute("href", "/api/v1/invoices/2/pdf/");

    // A draft has no number and no PDF yet; finance may not pay or credit it.
    const third = within(screen.getByTestId("invoice-3"));
    expect(third.getByText("Draft 3")).toBeInTheDocument();
    expect(third.getByText("Draft")).toBeInTheDocument();
    expect(third.queryByRole("link", { name: /PDF/ })).not.toBeInTheDocument();
    expect(third.queryByRole("button", { name: /payment|credit/i })).not.toBeInTheDocument();

    expect(calls[0]!.url).toBe("/api/v1/invoices/?page_size=25&page=1");
  });

  it("filters by status and pages", async () => {
    const calls = mockApi({ [LIST]: { ...page([paid]), count: 60 } });
    await renderApp(<InvoicesPage me={me("finance")} />);
    await screen.findByTestId("invoice-1");

    fireEvent.click(screen.getByRole("combobox", { name: "Status" }));
    fireEvent.click(await screen.findByRole("option", { name: "Finalised", hidden: true }));
    await waitFor(() => expect(calls.at(-1)!.url).toContain("status=finalised"));

    fireEvent.click(screen.getByRole("button", { name: "3" }));
    await waitFor(() => expect(calls.at(-1)!.url).toContain("page=3"));
    expect(calls.at(-1)!.url).toContain("status=finalised");
  });

  it("says what to do when there are no invoices", async () => {
    mockApi({ [LIST]: page([]) });
    await renderApp(<InvoicesPage me={me("finance")} />);
    expect(await screen.findByText(/No invoices yet: start an invoice run/)).toBeInTheDocument();
  });

  it("records a bank payment with amount, date and reference", async () => {
    const calls = mockApi({
      [LIST]: page([overdue]),
      "POST /api/v1/invoices/2/payments/": [
        201,
        {
          id: 50,
          invoice: { id: 2, number: "2026-00002" },
          kind: "payment",
          method: "bank_transfer",
          amount: "100.50",
          date: "2026-04-14",
          reference: "NL-REF-123",
          note: "",
          reverses_id: null,
          recorded_by: "finance@example.com",
          recorded_at: "2026-04-15T10:00:00Z",
        },
      ],
    });
    await renderApp(<InvoicesPage me={me("finance")} />);
    fireEvent.click(await screen.findByRole("button", { name: "Record a payment for 2026-00002" }));

    const dialog = within(await screen.findByRole("dialog"));
    const amount = dialog.getByLabelText(/Amount/);
    expect(amount).toHaveValue("€ 605.00"); // what is outstanding, as the server said
    fireEvent.change(amount, { target: { value: "€ 100.5" } });
    const date = dialog.getByLabelText(/Date received/);
    fireEvent.change(date, { target: { value: "2026-04-14" } });
    fireEvent.blur(date);
    fireEvent.change(dialog.getByLabelText(/Reference/), { target: { value: "NL-REF-123" } });
    fireEvent.click(dialog.getByRole("button", { name: "Record payment" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(calls.find((call) => call.method === "POST")).toEqual({
      method: "POST",
      url: "/api/v1/invoices/2/payments/",
      body: { kind: "payment", note: "", amount: "100.50", date: "2026-04-14", reference: "NL-REF-123" },
    });
    // The list is read again for the new payment status.
    expect(calls.filter((call) => call.method === "GET").length).toBeGreaterThan(1);
  });

  it("shows a refused payment date next to the date", async () => {
    mockApi({
      [LIST]: page([overdue]),
      "POST /api/v1/invoices/2/payments/": [
        400,
        { message: "Bad input.", extra: { fields: { date: ["A payment cannot be dated in the future."] } } },
      ],
    });
    await renderApp(<InvoicesPage me={me("finance")} />);
    fireEvent.click(await screen.findByRole("button", { name: "Record a payment for 2026-00002" }));
    const dialog = within(await screen.findByRole("dialog"));
    fireEvent.click(dialog.getByRole("button", { name: "Record payment" }));
    expect(await dialog.findByText("A payment cannot be dated in the future.")).toBeInTheDocument();
    expect(dialog.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("makes a credit note for chosen lines", async () => {
    const withLines = finalised({
      id: 2,
      number: "2026-00002",
      lines: [
        { ...invoice().lines[0]!, id: 201, description: "Anna de Vries", quantity: "40.00" },
        { ...invoice().lines[0]!, id: 202, kind: "manual", description: "Training", quantity: "2.00", timesheet_id: null },
      ],
    });
    const calls = mockApi({
      [LIST]: page([withLines]),
      "POST /api/v1/invoices/2/credit-note/": [201, finalised({ id: 9, kind: "credit_note", number: "CN-2026-00001", total: "-121.00" })],
    });
    await renderApp(<InvoicesPage me={me("finance")} />);
    fireEvent.click(await screen.findByRole("button", { name: "Make a credit note for 2026-00002" }));
    const dialog = within(await screen.findByRole("dialog"));
    fireEvent.change(dialog.getByLabelText(/Reason/), { target: { value: "Training cancelled" } });
    fireEvent.click(dialog.getByText("Chosen lines"));
    fireEvent.click(await dialog.findByRole("checkbox", { name: "Credit the line Training" }));
    fireEvent.change(dialog.getByLabelText("Quantity to credit of Training"), { target: { value: "1" } });
    fireEvent.click(dialog.getByRole("button", { name: "Make credit note" }));

    await waitFor(() => expect(calls.some((call) => call.method === "POST")).toBe(true));
    expect(calls.find((call) => call.method === "POST")!.body).toEqual({
      reason: "Training cancelled",
      lines: [{ line_id: 202, quantity: "1.00" }],
      release_hours: false,
    });
  });

  it("credits a whole invoice and releases its hours", async () => {
    const calls = mockApi({
      [LIST]: page([overdue]),
      "POST /api/v1/invoices/2/credit-note/": [201, finalised({ id: 9, kind: "credit_note", number: "CN-2026-00001" })],
    });
    await renderApp(<InvoicesPage me={me("finance")} />);
    fireEvent.click(await screen.findByRole("button", { name: "Make a credit note for 2026-00002" }));
    const dialog = within(await screen.findByRole("dialog"));
    fireEvent.change(dialog.getByLabelText(/Reason/), { target: { value: "Wrong rate" } });
    fireEvent.click(dialog.getByRole("checkbox", { name: /Release the hours/ }));
    fireEvent.click(dialog.getByRole("button", { name: "Make credit note" }));
    await waitFor(() => expect(calls.some((call) => call.method === "POST")).toBe(true));
    expect(calls.find((call) => call.method === "POST")!.body).toEqual({ reason: "Wrong rate", lines: null, release_hours: true });
  });

  it("gives an approver the PDF and Pay (when Stripe is on), not finance's actions", async () => {
    const payable = { ...overdue, pay_url: "https://secondo.example/pay/2/abc/" };
    const calls = mockApi({
      [LIST]: page([payable, paid]),
      "POST /api/v1/invoices/2/checkout/": { url: "https://checkout.stripe.test/c/1", expires_at: null, amount: "605.00", attempt: 1 },
    });
    const go = vi.spyOn(browser, "go").mockImplementation(() => {});
    await renderApp(<InvoicesPage me={me("client_approver")} />);

    const row = within(await screen.findByTestId("invoice-2"));
    expect(row.getByRole("link", { name: "PDF of 2026-00002" })).toBeInTheDocument();
    expect(row.queryByRole("button", { name: /Record|credit/i })).not.toBeInTheDocument();
    // Paid (no pay_url): no Pay button.
    expect(within(screen.getByTestId("invoice-1")).queryByRole("button", { name: /Pay/ })).not.toBeInTheDocument();
    // Approvers never see drafts: no status filter.
    expect(screen.queryByRole("combobox", { name: "Status" })).not.toBeInTheDocument();

    fireEvent.click(row.getByRole("button", { name: "Pay €605.00" }));
    await waitFor(() => expect(go).toHaveBeenCalledWith("https://checkout.stripe.test/c/1"));
    expect(calls.find((call) => call.method === "POST")!.url).toBe("/api/v1/invoices/2/checkout/");
  });

  it("writes money, dates and statuses in Dutch", async () => {
    mockApi({ [LIST]: page([paid]) });
    await renderApp(<InvoicesPage me={me("finance")} />, { language: "nl" });
    const row = within(await screen.findByTestId("invoice-1"));
    expect(row.getByText((text) => plain(text) === "€ 1.234,50")).toBeInTheDocument();
    expect(row.getByText("2 apr 2026")).toBeInTheDocument();
    expect(row.getByText("Definitief")).toBeInTheDocument();
    expect(row.getByText("Betaald")).toBeInTheDocument();
    expect(row.getByRole("button", { name: "Een creditnota maken voor 2026-00001" })).toBeInTheDocument();
    expect(screen.getByRole("columnheader", { name: "Vervaldatum" })).toBeInTheDocument();
  });
});
