
import { fireEvent, screen } from "@testing-library/react";
import { Route, Routes, useLocation } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { page, sheet } from "./fixtures";
import { RejectedPage } from "./RejectedPage";

afterEach(() => {
  vi.unstubAllGlobals();
});

function Where() {
  const location = useLocation();
  return <p>at {location.pathname + location.search}</p>;
}

function renderPage(language: "en" | "nl" = "en") {
  return renderApp(
    <Routes>
      <Route path="/timesheets/rejected" element={<RejectedPage own />} />
      <Route path="/timesheets" element={<Where />} />
    </Routes>,
    { language, path: "/timesheets/rejected" },
  );
}

const rejected = sheet({
  id: 40,
  status: "rejected",
  period_start: "2026-02-01",
  period_end: "2026-02-28",
  total_hours: "120.00",
  rejection_reason: "The 12th was a holiday at our office.",
  rejected_by: "approver@acme.example",
  rejected_at: "2026-03-02T09:00:00Z",
  entries: [{ id: 9, date: "2026-02-02", hours: "8.00", description: "" }],
});

describe("RejectedPage", () => {
  it("lists the rejected sheets with the approver's reason and opens the week to fix", async () => {
    const calls = mockApi({ "GET /api/v1/timesheets/": page([rejected]) });
    await renderPage();

    expect(await screen.findByText("The 12th was a holiday at our office.")).toBeInTheDocument();
    expect(screen.getByText("Acme B.V.")).toBeInTheDocument();
    expect(screen.getByText(/1 Feb 2026 – 28 Feb 2026/)).toBeInTheDocument();
    expect(screen.getByText("Rejected by approver@acme.example on 2 Mar 2026")).toBeInTheDocument();
    expect(calls[0]!.url).toContain("status=rejected");

    fireEvent.click(screen.getByRole("button", { name: "Open week to fix" }));
    expect(await screen.findByText("at /timesheets?week=2026-W06")).toBeInTheDocument();
  });

  it("says there is nothing to correct, in Dutch", async () => {
    mockApi({ "GET /api/v1/timesheets/": page([]) });
    await renderPage("nl");
    expect(await screen.findByText("Geen afgekeurde urenstaten: er valt niets te corrigeren.")).toBeInTheDocument();
  });
});
