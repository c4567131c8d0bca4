import { configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { runPolling } from "./api";
import { invoice, line, page, run } from "./fixtures";
import { InvoiceRunPage, lastMonth } from "./InvoiceRunPage";

configure({ asyncUtilTimeout: 5000 });

const DRAFTS = "GET /api/v1/invoices/";

beforeEach(() => {
  // jsdom lacks what Mantine's Select scrolls its options with.
  Element.prototype.scrollIntoView ??= () => {};
  // Only the clock: the run screen's month picker starts at last month and stops at this one.
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(2026, 3, 15, 10, 0, 0)); // 15 April 2026
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  runPolling.intervalMs = 1000;
});

const acme = invoice({ id: 11, total: "1234.50", net_total: "1020.25", vat_total: "214.25" });
const globex = invoice({
  id: 12,
  client: { id: 4, legal_name: "Globex N.V." },
  net_total: "500.00",
  vat_total: "105.00",
  total: "605.00",
  lines: [line({ id: 101 }), line({ id: 102, description: "Bram Jansen" })],
});
const initech = invoice({ id: 13, client: { id: 5, legal_name: "Initech" }, total: "99.00" });

describe("InvoiceRunPage", { timeout: 20_000 }, () => {
  it("starts the last month by default", () => {
    expect(lastMonth("2026-04-15")).toBe("2026-03-01");
    expect(lastMonth("2026-01-31")).toBe("2025-12-01");
  });

  it("starts a run for the chosen month and lists its drafts", async () => {
    const routes: Record<string, unknown> = {
      [DRAFTS]: page([]),
      "POST /api/v1/invoice-runs/": [201, run()],
    };
    const calls = mockApi(routes);
    await renderApp(<InvoiceRunPage />);

    expect(await screen.findByText(/No drafts for Mar 2026: choose a month with approved hours and start a run/)).toBeInTheDocument();

    // Choose February instead of the default (March).
    fireEvent.click(screen.getByRole("button", { name: "Month" }));
    fireEvent.click(await screen.findByRole("button", { name: "Feb" }));
    expect(await screen.findByText(/No drafts for Feb 2026/)).toBeInTheDocument();

    routes[DRAFTS] = page([acme, globex]);
    fireEvent.click(screen.getByRole("button", { name: "Start run" }));

    expect(await screen.findByText("Globex N.V.")).toBeInTheDocument();
    const posted = calls.filter((call) => call.method === "POST");
    expect(posted).toEqual([{ method: "POST", url: "/api/v1/invoice-runs/", body: { period: "2026-02", finalize: false } }]);
    expect(screen.getByText(/Run for Feb 2026: 2 draft\(s\) with 5 new line\(s\) from 4 timesheet\(s\)/)).toBeInTheDocument();

    // The drafts of the chosen month, with their lines and the server's amounts.
    const lastList = calls.filter((call) => call.method === "GET").at(-1)!;
    expect(lastList.url).toContain("status=draft");
    expect(lastList.url).toContain("period=2026-02-01");
    const acmeRow = within(screen.getByTestId("draft-11"));
    expect(acmeRow.getByText("Acme B.V.")).toBeInTheDocument();
    expect(acmeRow.getByText("1")).toBeInTheDocument();
    expect(acmeRow.getByText("€1,020.25")).toBeInTheDocument();
    expect(acmeRow.getByText("€214.25")).toBeInTheDocument();
    expect(acmeRow.getByText("€1,234.50")).toBeInTheDocument();
    expect(within(screen.getByTestId("draft-12")).getByText("2")).toBeInTheDocument();
  });

  it("waits for a queued run until a worker has carried it out", async () => {
    runPolling.intervalMs = 0;
    const routes: Record<string, unknown> = {
      [DRAFTS]: page([]),
      "POST /api/v1/invoice-runs/": [202, run({ status: "queued", finished_at: null, invoice_count: 0, invoice_ids: [] })],
      "GET /api/v1/invoice-runs/9/": run({ status: "queued", finished_at: null, invoice_count: 0, invoice_ids: [] }),
    };
    const calls = mockApi(routes);
    await renderApp(<InvoiceRunPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Start run" }));

    await waitFor(() => expect(calls.filter((call) => call.url === "/api/v1/invoice-runs/9/").length).toBeGreaterThan(1));
    expect(screen.getByText(/Making drafts for Mar 2026 from the approved hours/)).toBeInTheDocument();
    routes[DRAFTS] = page([acme, globex]);
    routes["GET /api/v1/invoice-runs/9/"] = run({ period: "2026-03" });

    expect(await screen.findByText(/Run for Mar 2026: 2 draft\(s\) with 5 new line\(s\) from 4 timesheet\(s\)/)).toBeInTheDocument();
    expect(await screen.findByText("Globex N.V.")).toBeInTheDocument();
    expect(calls.filter((call) => call.method === "POST")).toHaveLength(1);
  });

  it("shows why a run failed in the worker", async () => {
    runPolling.intervalMs = 0;
    mockApi({
      [DRAFTS]: page([]),
      "POST /api/v1/invoice-runs/": [202, run({ status: "queued", finished_at: null, invoice_count: 0, invoice_ids: [] })],
      "GET /api/v1/invoice-runs/9/": run({
        status: "failed",
        invoice_count: 0,
        invoice_ids: [],
        error: "Timesheet 31 has hours before its placement has a rate.",
      }),
    });
    await renderApp(<InvoiceRunPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Start run" }));

    expect(await screen.findByText("Timesheet 31 has hours before its placement has a rate.")).toBeInTheDocument();
    expect(screen.queryByText(/Run for Mar 2026/)).not.toBeInTheDocument();
  });

  it("shows a refused month next to the month picker", async () => {
    mockApi({
      [DRAFTS]: page([]),
      "POST /api/v1/invoice-runs/": [
        400,
        { message: "That month has not begun yet.", extra: { fields: { period: ["Choose this month or an earlier one."] } } },
      ],
    });
    await renderApp(<InvoiceRunPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Start run" }));
    expect(await screen.findByText("Choose this month or an earlier one.")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("adds a manual line with the right body and shows a 400 next to its field", async () => {
    const calls = mockApi({
      [DRAFTS]: page([acme]),
      "POST /api/v1/invoices/11/lines/": [
        400,
        {
          message: "The line was not added.",
          extra: { fields: { unit_price: ["The unit price is not 0 and at most 999999.99 either way, in cents."] } },
        },
      ],
    });
    await renderApp(<InvoiceRunPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Add a line to the draft for Acme B.V." }));

    const dialog = within(await screen.findByRole("dialog"));
    fireEvent.change(dialog.getByLabelText(/Description/), { target: { value: "Training Excel" } });
    fireEvent.change(dialog.getByLabelText(/Quantity/), { target: { value: "2" } });
    fireEvent.change(dialog.getByLabelText(/Unit price/), { target: { value: "€ 12.5" } });
    fireEvent.click(dialog.getByRole("combobox", { name: /VAT rate/ }));
    // Mantine keeps the options mounted; jsdom never sees its dropdown transition end.
    fireEvent.click(await screen.findByRole("option", { name: "9%", hidden: true }));
    fireEvent.click(dialog.getByRole("button", { name: "Add line" }));

    expect(await dialog.findByText(/The unit price is not 0/)).toBeInTheDocument();
    expect(calls.find((call) => call.method === "POST")).toEqual({
      method: "POST",
      url: "/api/v1/invoices/11/lines/",
      body: { description: "Training Excel", quantity: "2.00", unit_price: "12.50", vat_rate: "9.00" },
    });
    // Beside its field (the input is marked invalid), not in a general alert.
    expect(dialog.getByLabelText(/Unit price/)).toHaveAttribute("aria-invalid", "true");
    expect(dialog.getByLabelText(/Quantity/)).not.toHaveAttribute("aria-invalid", "true");
    expect(dialog.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("offers only 0% VAT on a reverse-charge draft", async () => {
    mockApi({ [DRAFTS]: page([invoice({ id: 11, vat_treatment: "reverse_charge" })]) });
    await renderApp(<InvoiceRunPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Add a line to the draft for Acme B.V." }));
    const dialog = within(await screen.findByRole("dialog"));
    expect(dialog.getByRole("combobox", { name: /VAT rate/ })).toHaveValue("0%");
    expect(dialog.getByText("This client's invoices carry no VAT.")).toBeInTheDocument();
  });

  it("finalises the selected drafts only", async () => {
    const calls = mockApi({
      [DRAFTS]: page([acme, globex, initech]),
      "POST /api/v1/invoices/finalize/": [
        200,
        [
          { ...acme, status: "finalised", number: "2026-00001" },
          { ...initech, status: "finalised", number: "2026-00002" },
        ],
      ],
    });
    await renderApp(<InvoiceRunPage />);
    expect(screen.getByRole("button", { name: "Finalise 0 selected" })).toBeDisabled();
    fireEvent.click(await screen.findByRole("checkbox", { name: "Select the draft for Acme B.V." }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Select the draft for Initech" }));
    fireEvent.click(screen.getByRole("button", { name: "Finalise 2 selected" }));
    fireEvent.click(await screen.findByRole("button", { name: "Finalise 2 drafts" }));

    await waitFor(() => expect(calls.some((call) => call.url === "/api/v1/invoices/finalize/")).toBe(true));
    expect(calls.find((call) => call.method === "POST")!.body).toEqual({ invoice_ids: [11, 13] });
    expect(await screen.findByText(/2026-00001, 2026-00002/)).toBeInTheDocument();
  });

  it("shows why nothing was finalised", async () => {
    mockApi({
      [DRAFTS]: page([acme]),
      "POST /api/v1/invoices/finalize/": [
        400,
        {
          message: "Nothing was finalised: Invoice draft 11 has no lines.",
          extra: { fields: { invoice_ids: ["Invoice draft 11 has no lines."] } },
        },
      ],
    });
    await renderApp(<InvoiceRunPage />);
    fireEvent.click(await screen.findByRole("checkbox", { name: "Select all drafts" }));
    fireEvent.click(screen.getByRole("button", { name: "Finalise 1 selected" }));
    fireEvent.click(await screen.findByRole("button", { name: "Finalise 1 draft" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Nothing was finalised: Invoice draft 11 has no lines.");
  });
});
