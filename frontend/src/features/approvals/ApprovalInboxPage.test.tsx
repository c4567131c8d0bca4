import { Notifications, notifications } from "@mantine/notifications";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Schemas } from "../../api/client";
import { mockApi, renderApp } from "../../test/render";
import { ApprovalInboxPage } from "./ApprovalInboxPage";

type Timesheet = Schemas["Timesheet"];

const INBOX = "GET /api/v1/approval-inbox/";
const BULK = "POST /api/v1/timesheets/bulk-approve/";

function sheet(id: number, name: string, client: string, entries: [string, string, string][], total: string): Timesheet {
  return {
    id,
    placement_id: 10 + id,
    secretary: { id: 100 + id, full_name: name },
    client: { id: 200 + id, legal_name: client },
    period_start: "2026-06-01",
    period_end: "2026-06-30",
    status: "submitted",
    total_hours: total,
    submitted_at: "2026-07-01T09:30:00+02:00",
    submitted_by: `${name.split(" ")[0]!.toLowerCase()}@example.com`,
    approved_at: null,
    approved_by: "",
    approval_kind: "",
    approval_hash: "",
    rejected_at: null,
    rejected_by: "",
    rejection_reason: "",
    entries: entries.map(([date, hours, description], index) => ({ id: id * 100 + index, date, hours, description })),
  };
}

const anna = sheet(
  1,
  "Anna de Vries",
  "Acme B.V.",
  [
    ["2026-06-01", "8.00", "Reception"],
    ["2026-06-02", "7.50", "Minutes board meeting"],
  ],
  "15.50",
);
const piet = sheet(2, "Piet Jansen", "Globex N.V.", [["2026-06-03", "4.25", "Filing"]], "4.25");

function page(results: Timesheet[]) {
  return { count: results.length, next: null, previous: null, results };
}

function renderInbox(language: "en" | "nl" = "en") {
  return renderApp(
    <>
      <Notifications />
      <ApprovalInboxPage />
    </>,
    { language, path: "/approvals" },
  );
}

afterEach(() => {
  act(() => notifications.clean());
  vi.unstubAllGlobals();
});

describe("ApprovalInboxPage", () => {
  it("lists the pending sheets with their hours per day and the server's totals", async () => {
    mockApi({ [INBOX]: page([anna, piet]) });
    await renderInbox();

    const first = await screen.findByTestId("sheet-1");
    expect(within(first).getByText("Anna de Vries")).toBeInTheDocument();
    expect(within(first).getByText(/Acme B\.V\./)).toBeInTheDocument();
    expect(within(first).getByText("1 Jun 2026 – 30 Jun 2026")).toBeInTheDocument();
    expect(within(first).getByText("8.00")).toBeInTheDocument();
    expect(within(first).getByText("7.50")).toBeInTheDocument();
    expect(within(first).getByText("Minutes board meeting")).toBeInTheDocument();
    expect(within(first).getByText("15.50 h")).toBeInTheDocument();

    const second = screen.getByTestId("sheet-2");
    expect(within(second).getByText("Piet Jansen")).toBeInTheDocument();
    expect(within(second).getByText("4.25 h")).toBeInTheDocument();
    expect(screen.getByText("2 timesheets waiting")).toBeInTheDocument();
  });

  it("shows one table from the sm breakpoint up", async () => {
    vi.stubGlobal("matchMedia", (query: string) => ({
      matches: query.includes("min-width"),
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }));
    mockApi({ [INBOX]: page([anna, piet]) });
    await renderInbox();

    expect(await screen.findByRole("columnheader", { name: "Hours per day" })).toBeInTheDocument();
    const row = screen.getByTestId("sheet-1");
    expect(row.tagName).toBe("TR");
    expect(within(row).getByText("15.50")).toBeInTheDocument();
    expect(within(row).getByText("Reception")).toBeInTheDocument();
  });

  it("bulk approves the ticked sheets in one call and refreshes the inbox", async () => {
    const calls = mockApi({ [INBOX]: page([anna, piet]), [BULK]: [anna, piet] });
    await renderInbox();

    const approveSelected = await screen.findByRole("button", { name: "Approve selected" });
    expect(approveSelected).toBeDisabled();
    fireEvent.click(screen.getByRole("checkbox", { name: "Select the hours of Anna de Vries, 1 Jun 2026 – 30 Jun 2026" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Select the hours of Piet Jansen, 1 Jun 2026 – 30 Jun 2026" }));
    fireEvent.click(screen.getByRole("button", { name: "Approve selected (2)" }));

    expect(await screen.findByText("2 timesheets approved")).toBeInTheDocument();
    const bulk = calls.filter((call) => call.method === "POST");
    expect(bulk).toEqual([{ method: "POST", url: "/api/v1/timesheets/bulk-approve/", body: { timesheet_ids: [1, 2] } }]);
    await waitFor(() => expect(calls.filter((call) => call.method === "GET" && call.url.startsWith("/api/v1/approval-inbox/"))).toHaveLength(2));
  });

  it("approves only the ticked sheets and says why when nothing was approved", async () => {
    const calls = mockApi({
      [INBOX]: page([anna, piet]),
      [BULK]: [400, { message: "Nothing was approved: Timesheet 2 is approved, not submitted.", extra: { fields: { timesheet_ids: ["Timesheet 2 is approved, not submitted."] } } }],
    });
    await renderInbox();

    fireEvent.click(await screen.findByRole("checkbox", { name: /Piet Jansen/ }));
    fireEvent.click(screen.getByRole("button", { name: "Approve selected (1)" }));

    expect(await screen.findByText("Timesheet 2 is approved, not submitted.")).toBeInTheDocument();
    expect(screen.getByText("Nothing was approved")).toBeInTheDocument();
    expect(calls.find((call) => call.method === "POST")?.body).toEqual({ timesheet_ids: [2] });
  });

  it("refuses a rejection without a reason with the API's message next to the textarea", async () => {
    const calls = mockApi({
      [INBOX]: page([anna]),
      "POST /api/v1/timesheets/1/reject/": [400, { message: "Validation failed.", extra: { fields: { reason: ["This field may not be blank."] } } }],
    });
    await renderInbox();

    fireEvent.click(await screen.findByRole("button", { name: "Reject" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Reject hours" }));

    const textarea = within(dialog).getByRole("textbox", { name: /Reason/ });
    await waitFor(() => expect(textarea).toHaveAttribute("aria-invalid", "true"));
    const error = within(dialog).getByText("This field may not be blank.");
    expect(textarea.getAttribute("aria-describedby")).toContain(error.id);
    expect(calls.find((call) => call.method === "POST")).toEqual({ method: "POST", url: "/api/v1/timesheets/1/reject/", body: { reason: "" } });
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });

  it("rejects with the reason, closes the dialog and says what happened", async () => {
    const calls = mockApi({
      [INBOX]: page([anna, piet]),
      "POST /api/v1/timesheets/2/reject/": { ...piet, status: "rejected", rejection_reason: "3 June was a day off." },
    });
    await renderInbox();

    const card = await screen.findByTestId("sheet-2");
    fireEvent.click(within(card).getByRole("button", { name: "Reject" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText(/Piet Jansen, 1 Jun 2026 – 30 Jun 2026: 4.25 h/)).toBeInTheDocument();
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Reason/ }), { target: { value: "3 June was a day off." } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Reject hours" }));

    expect(await screen.findByText("Hours rejected")).toBeInTheDocument();
    expect(calls.find((call) => call.method === "POST")).toEqual({
      method: "POST",
      url: "/api/v1/timesheets/2/reject/",
      body: { reason: "3 June was a day off." },
    });
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    await waitFor(() => expect(calls.filter((call) => call.method === "GET")).toHaveLength(2));
  });

  it("approves one sheet with its own button", async () => {
    const calls = mockApi({ [INBOX]: page([anna]), "POST /api/v1/timesheets/1/approve/": { ...anna, status: "approved" } });
    await renderInbox();

    fireEvent.click(await screen.findByRole("button", { name: "Approve" }));

    expect(await screen.findByText("The hours of Anna de Vries for 1 Jun 2026 – 30 Jun 2026 are approved.")).toBeInTheDocument();
    expect(calls.find((call) => call.method === "POST")?.url).toBe("/api/v1/timesheets/1/approve/");
  });

  it("says there is nothing to approve when the inbox is empty", async () => {
    mockApi({ [INBOX]: page([]) });
    await renderInbox();

    expect(await screen.findByText("Nothing to approve")).toBeInTheDocument();
    expect(screen.getByText(/New timesheets appear here as soon as a secretary submits them/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Approve selected/ })).not.toBeInTheDocument();
  });

  it("speaks Dutch: the list, the number formats and the bulk approval", async () => {
    const calls = mockApi({ [INBOX]: page([anna, piet]), [BULK]: [anna, piet] });
    await renderInbox("nl");

    expect(screen.getByRole("heading", { name: "Goed te keuren uren" })).toBeInTheDocument();
    const first = await screen.findByTestId("sheet-1");
    expect(within(first).getByText("7,50")).toBeInTheDocument();
    expect(within(first).getByText("15,50 uur")).toBeInTheDocument();
    expect(within(first).getByText("1 jun 2026 – 30 jun 2026")).toBeInTheDocument();

    fireEvent.click(screen.getByRole("checkbox", { name: "Alles selecteren" }));
    fireEvent.click(screen.getByRole("button", { name: "Selectie goedkeuren (2)" }));

    expect(await screen.findByText("2 urenstaten goedgekeurd")).toBeInTheDocument();
    expect(calls.find((call) => call.method === "POST")?.body).toEqual({ timesheet_ids: [1, 2] });
  });
});
