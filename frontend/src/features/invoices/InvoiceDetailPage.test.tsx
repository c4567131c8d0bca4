import { configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { finalised, invoice, line, me } from "./fixtures";
import { InvoiceDetailPage } from "./InvoiceDetailPage";

configure({ asyncUtilTimeout: 5000 });

afterEach(() => vi.unstubAllGlobals());

function page(user = me("finance")) {
  return (
    <Routes>
      <Route path="/invoices/:id" element={<InvoiceDetailPage me={user} />} />
    </Routes>
  );
}

describe("InvoiceDetailPage", { timeout: 20_000 }, () => {
  it("shows a finalised invoice's lines, VAT, totals and ledger rows as the server computed them", async () => {
    const calls = mockApi({
      "GET /api/v1/invoices/1/": finalised({
        id: 1,
        lines: [line(), line({ id: 101, kind: "manual", description: "Training", quantity: "1.00", unit_price: "0.25", amount: "0.25", timesheet_id: null })],
      }),
      // The API answers a plain array here (openapi.json says a page).
      "GET /api/v1/invoices/1/payments/": [
        {
          id: 5,
          invoice: { id: 1, number: "2026-00001" },
          kind: "payment",
          method: "bank_transfer",
          amount: "200.00",
          date: "2026-04-10",
          reference: "NL-REF-9",
          note: "",
          reverses_id: null,
          recorded_by: "finance@example.com",
          recorded_at: "2026-04-10T10:00:00Z",
        },
      ],
    });
    await renderApp(page(), { path: "/invoices/1" });

    expect(await screen.findByRole("heading", { name: "2026-00001" })).toBeInTheDocument();
    expect(screen.getByText("Training")).toBeInTheDocument();
    expect(screen.getByText("€1,020.00")).toBeInTheDocument();
    expect(screen.getByText("Total: €1,234.50")).toBeInTheDocument();
    expect(screen.getByText(/VAT 21% on €1,020.25/)).toBeInTheDocument();
    expect(await screen.findByText("NL-REF-9")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "PDF of 2026-00001" })).toHaveAttribute("href", "/api/v1/invoices/1/pdf/");
    expect(screen.queryByRole("button", { name: "Remove" })).not.toBeInTheDocument();
    expect(calls.map((call) => call.url)).toContain("/api/v1/invoices/1/payments/");
  });

  it("finalises a draft from its page and removes a line", async () => {
    const calls = mockApi({
      "GET /api/v1/invoices/3/": invoice({ id: 3 }),
      "POST /api/v1/invoices/finalize/": [finalised({ id: 3 })],
      "DELETE /api/v1/invoices/3/lines/100/": invoice({ id: 3, lines: [] }),
    });
    await renderApp(page(), { path: "/invoices/3" });

    fireEvent.click(await screen.findByRole("button", { name: "Remove" }));
    await waitFor(() => expect(calls.some((call) => call.method === "DELETE")).toBe(true));
    expect(calls.find((call) => call.method === "DELETE")!.url).toBe("/api/v1/invoices/3/lines/100/");

    fireEvent.click(screen.getByRole("button", { name: "Finalise" }));
    const dialog = within(await screen.findByRole("dialog"));
    fireEvent.click(dialog.getByRole("button", { name: "Finalise 1 draft" }));
    await waitFor(() => expect(calls.some((call) => call.url === "/api/v1/invoices/finalize/")).toBe(true));
    expect(calls.find((call) => call.url === "/api/v1/invoices/finalize/")!.body).toEqual({ invoice_ids: [3] });
  });
});
