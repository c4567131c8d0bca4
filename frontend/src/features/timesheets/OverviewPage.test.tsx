
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { page, sheet } from "./fixtures";
import { OverviewPage } from "./OverviewPage";

afterEach(() => {
  vi.unstubAllGlobals();
});

const sheets = [
  sheet({ id: 31, status: "submitted", total_hours: "16.25" }),
  sheet({
    id: 40,
    secretary: { id: 8, full_name: "Bram Jansen" },
    client: { id: 2, legal_name: "Bakker & Zonen" },
    status: "rejected",
    rejection_reason: "Wrong week.",
    period_start: "2026-02-01",
    period_end: "2026-02-28",
    entries: [],
  }),
];
const secretaries = {
  count: 2,
  next: null,
  previous: null,
  results: [
    { id: 7, full_name: "Anouk de Vries" },
    { id: 8, full_name: "Bram Jansen" },
  ],
};

function sheetCalls(calls: { method: string; url: string }[]) {
  return calls.filter((call) => call.method === "GET" && call.url.startsWith("/api/v1/timesheets/"));
}

describe("OverviewPage", () => {
  it("lists the sheets with secretary, client, period, hours and status", async () => {
    mockApi({ "GET /api/v1/timesheets/": page(sheets, 2), "GET /api/v1/secretaries/": secretaries });
    await renderApp(<OverviewPage />);

    const table = await screen.findByRole("table");
    const rows = within(table).getAllByRole("row");
    expect(within(rows[1]!).getByText("Anouk de Vries")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Acme B.V.")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("2 Mar 2026 – 8 Mar 2026")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("16.25")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Submitted")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("Wrong week.")).toBeInTheDocument();
    expect(within(rows[2]!).getByRole("link", { name: "Open week" })).toHaveAttribute(
      "href",
      "/timesheets?week=2026-W05&secretary=8",
    );
  });

  it("filters by status in the query string and starts again at page 1", async () => {
    const calls = mockApi({ "GET /api/v1/timesheets/": page(sheets, 60), "GET /api/v1/secretaries/": secretaries });
    await renderApp(<OverviewPage />);
    await screen.findByRole("table");
    expect(sheetCalls(calls)[0]!.url).not.toContain("status=");

    fireEvent.click(screen.getByRole("button", { name: "2" }));
    await waitFor(() => expect(sheetCalls(calls).some((call) => call.url.includes("page=2"))).toBe(true));

    fireEvent.click(screen.getByRole("radio", { name: "Rejected" }));
    await waitFor(() => expect(sheetCalls(calls).some((call) => call.url.includes("status=rejected"))).toBe(true));
    const filtered = sheetCalls(calls).find((call) => call.url.includes("status=rejected"))!;
    expect(new URLSearchParams(filtered.url.split("?")[1]).getAll("status")).toEqual(["rejected"]);
    expect(filtered.url).toContain("page=1");
  });

  it("says what to do when no sheet matches", async () => {
    mockApi({ "GET /api/v1/timesheets/": page([]), "GET /api/v1/secretaries/": secretaries });
    await renderApp(<OverviewPage />, { language: "nl" });
    expect(await screen.findByText(/Nog geen urenstaten/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole("radio", { name: "Goedgekeurd" }));
    expect(await screen.findByText(/Kies een andere status/)).toBeInTheDocument();
  });
});
