
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { DAYS, grid, managerMe, page, secretaryMe, sheet, weekSheets } from "./fixtures";
import { WeekGridPage } from "./WeekGridPage";
import { dayLabel } from "./week";

afterEach(() => {
  vi.unstubAllGlobals();
});

function renderGrid(language: "en" | "nl" = "en") {
  return renderApp(<WeekGridPage me={secretaryMe} />, { language, path: "/timesheets?week=2026-W10" });
}

const cell = (client: string, date: string, language: "en" | "nl" = "en") =>
  screen.getByLabelText(`${client} ${dayLabel(date, language)}`) as HTMLInputElement;

describe("WeekGridPage", () => {
  it("renders the placements by the 7 days of the asked week", async () => {
    const calls = mockApi({ "GET /api/v1/week-grid/": grid, "GET /api/v1/timesheets/": page(weekSheets) });
    await renderGrid();

    expect(await screen.findByText("Bakker & Zonen", { selector: "p" })).toBeInTheDocument();
    expect(screen.getByText("Acme B.V.", { selector: "p" })).toBeInTheDocument();
    const table = screen.getAllByRole("table")[0]!;
    for (const day of DAYS) expect(within(table).getByText(dayLabel(day, "en"))).toBeInTheDocument();
    expect(cell("Acme B.V.", "2026-03-02").value).toBe("7.5");
    expect(cell("Acme B.V.", "2026-03-03")).toBeEnabled();
    expect(cell("Acme B.V.", "2026-03-07")).toBeDisabled(); // a future / non-editable day
    expect(cell("Bakker & Zonen", "2026-03-03").value).toBe("4");
    expect(cell("Bakker & Zonen", "2026-03-03")).toBeDisabled(); // submitted: read-only
    expect(within(table).getByText("Submitted")).toBeInTheDocument();
    expect(within(table).getByText("7.50")).toBeInTheDocument(); // the server's day total
    expect(calls.some((call) => call.url === "/api/v1/week-grid/?week=2026-W10")).toBe(true);
  });

  it("saves the changed cells only, as decimal strings", async () => {
    const calls = mockApi({
      "GET /api/v1/week-grid/": grid,
      "GET /api/v1/timesheets/": page(weekSheets),
      "PUT /api/v1/week-grid/": [sheet({ id: 31, total_hours: "15.00" })],
    });
    await renderGrid();
    await screen.findByText("Bakker & Zonen", { selector: "p" });

    fireEvent.change(cell("Acme B.V.", "2026-03-03"), { target: { value: "7.5" } });
    fireEvent.change(cell("Acme B.V.", "2026-03-02"), { target: { value: "" } });
    expect(screen.getByText("2 unsaved changes")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(calls.some((call) => call.method === "PUT")).toBe(true));
    const put = calls.find((call) => call.method === "PUT")!;
    expect(put.url).toBe("/api/v1/week-grid/");
    expect(put.body).toEqual({
      cells: [
        { placement_id: 11, date: "2026-03-02", hours: null, description: "" },
        { placement_id: 11, date: "2026-03-03", hours: "7.50", description: "" },
      ],
    });
  });

  it("shows a refused cell's message next to that cell", async () => {
    mockApi({
      "GET /api/v1/week-grid/": grid,
      "GET /api/v1/timesheets/": page(weekSheets),
      "PUT /api/v1/week-grid/": [
        400,
        {
          message: "Nothing was saved: 1 cell(s) need correcting.",
          extra: { fields: { "cells.0.hours": ["Hours go in quarter-hour steps (0.25)."] } },
        },
      ],
    });
    await renderGrid();
    await screen.findByText("Bakker & Zonen", { selector: "p" });

    fireEvent.change(cell("Acme B.V.", "2026-03-04"), { target: { value: "7.1" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Hours go in quarter-hour steps (0.25).")).toBeInTheDocument();
    const input = cell("Acme B.V.", "2026-03-04");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("Hours go in quarter-hour steps (0.25).");
    expect(cell("Acme B.V.", "2026-03-03")).not.toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("Nothing was saved: 1 cell(s) need correcting.")).toBeInTheDocument();
  });

  it("submits the week's open sheets through the submit endpoint", async () => {
    const calls = mockApi({
      "GET /api/v1/week-grid/": grid,
      "GET /api/v1/timesheets/": page(weekSheets),
      "POST /api/v1/timesheets/31/submit/": sheet({ id: 31, status: "submitted" }),
    });
    await renderGrid();
    await screen.findByText("Timesheets of this week");
    await waitFor(() => expect(screen.getByRole("button", { name: "Submit week…" })).toBeEnabled());

    fireEvent.click(screen.getByRole("button", { name: "Submit week…" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByRole("checkbox")).toBeChecked(); // only sheet 31 is open; 32 is submitted
    fireEvent.click(within(dialog).getByRole("button", { name: "Submit 1 timesheet" }));

    await waitFor(() => expect(calls.some((call) => call.method === "POST")).toBe(true));
    const posts = calls.filter((call) => call.method === "POST");
    expect(posts.map((call) => call.url)).toEqual(["/api/v1/timesheets/31/submit/"]);
  });

  it("shows rejected sheets with the reason and opens their week", async () => {
    const rejected = sheet({
      id: 40,
      status: "rejected",
      period_start: "2026-02-23",
      period_end: "2026-03-01",
      rejection_reason: "Tuesday was a public holiday.",
      rejected_by: "approver@acme.example",
      rejected_at: "2026-03-02T09:00:00Z",
      entries: [{ id: 9, date: "2026-02-24", hours: "8.00", description: "" }],
    });
    const calls = mockApi({ "GET /api/v1/week-grid/": grid, "GET /api/v1/timesheets/": page([rejected]) });
    await renderGrid();

    expect(await screen.findByText("Tuesday was a public holiday.")).toBeInTheDocument();
    expect(calls.some((call) => call.url.startsWith("/api/v1/timesheets/?") && call.url.includes("status=rejected"))).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Open week to fix" }));
    await waitFor(() => expect(calls.some((call) => call.url === "/api/v1/week-grid/?week=2026-W09")).toBe(true));
  });

  it("renders in Dutch with Dutch numbers, days and labels", async () => {
    mockApi({ "GET /api/v1/week-grid/": grid, "GET /api/v1/timesheets/": page(weekSheets) });
    await renderGrid("nl");

    await screen.findByText("Bakker & Zonen", { selector: "p" });
    expect(cell("Acme B.V.", "2026-03-02", "nl").value).toBe("7,5");
    expect(screen.getByText(dayLabel("2026-03-02", "nl"))).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Opslaan" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Week indienen…" })).toBeInTheDocument();
    expect(screen.getAllByText("Ingediend").length).toBeGreaterThan(0);
    expect(screen.getByText("Week 10: 2 mrt 2026 – 8 mrt 2026")).toBeInTheDocument();
  });

  it("lets a team manager save a chosen secretary's week on their behalf", async () => {
    const calls = mockApi({
      "GET /api/v1/week-grid/": grid,
      "GET /api/v1/timesheets/": page(weekSheets),
      "GET /api/v1/secretaries/": { count: 1, next: null, previous: null, results: [{ id: 7, full_name: "Anouk de Vries" }] },
      "PUT /api/v1/week-grid/": [sheet({ id: 31 })],
    });
    await renderApp(<WeekGridPage me={managerMe} />, { path: "/timesheets?week=2026-W10&secretary=7" });
    await screen.findByText("Bakker & Zonen", { selector: "p" });
    expect(calls.some((call) => call.url === "/api/v1/week-grid/?week=2026-W10&secretary_id=7")).toBe(true);

    fireEvent.change(cell("Acme B.V.", "2026-03-05"), { target: { value: "6" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.some((call) => call.method === "PUT")).toBe(true));
    expect(calls.find((call) => call.method === "PUT")!.body).toEqual({
      cells: [{ placement_id: 11, date: "2026-03-05", hours: "6.00", description: "" }],
      secretary_id: 7,
    });
  });

  it("asks a team manager to choose a secretary first", async () => {
    mockApi({ "GET /api/v1/secretaries/": { count: 0, next: null, previous: null, results: [] } });
    await renderApp(<WeekGridPage me={managerMe} />, { path: "/timesheets" });
    expect(await screen.findByText("Choose a secretary above to see their week.")).toBeInTheDocument();
  });
});
