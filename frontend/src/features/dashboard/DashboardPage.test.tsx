import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { DashboardPage } from "./DashboardPage";

const table = (name: string, rows: Record<string, unknown>[] = []) => ({
  name,
  title: name,
  columns: [
    { key: "month", label: "Month", kind: "month" },
    { key: "tenants", label: "Tenants", kind: "money" },
    { key: "internal", label: "Internal", kind: "money" },
    { key: "other", label: "Other", kind: "money" },
  ],
  rows,
});

const DASHBOARD = {
  period: { start: "2026-01", end: "2026-11", as_of: "2026-11-22" },
  pool_ids: null,
  figures: { revenue: "1100.00", cost_recovery: "0.8123", placed_utilisation: "0.5", receivables_outstanding: "1331.00" },
  tables: [table("revenue_by_month", [{ month: "2026-11-01", tenants: "1100.00", internal: "0.00", other: "0.00" }])],
  more_tables: [],
};

afterEach(() => vi.unstubAllGlobals());

describe("the director's dashboard", () => {
  it("asks for the year to date and shows the KPIs as the server computed them", async () => {
    const calls = mockApi({ "GET /api/v1/dashboard/": DASHBOARD, "GET /api/v1/pools/": { count: 0, results: [] } });

    await renderApp(<DashboardPage />);

    expect(await screen.findByText("Revenue, year to date")).toBeInTheDocument();
    expect(within(screen.getByTestId("kpi-revenue")).getByText("€1,100.00")).toBeInTheDocument();
    expect(within(screen.getByTestId("kpi-cost_recovery")).getByText("81.2%")).toBeInTheDocument();
    expect(within(screen.getByTestId("kpi-receivables_outstanding")).getByText("€1,331.00")).toBeInTheDocument();
    expect(screen.getByTestId("dashboard-period")).toHaveTextContent("Jan 2026 – Nov 2026");
    const year = new Date().getFullYear();
    await waitFor(() => expect(calls.some((c) => c.url === `/api/v1/dashboard/?start=${year}-01`)).toBe(true));
  });

  it("writes the figures in Dutch", async () => {
    mockApi({ "GET /api/v1/dashboard/": DASHBOARD, "GET /api/v1/pools/": { count: 0, results: [] } });

    await renderApp(<DashboardPage />, { language: "nl" });

    expect(await screen.findByText("Omzet dit jaar")).toBeInTheDocument();
    const revenue = within(screen.getByTestId("kpi-revenue"));
    expect(revenue.getByText((text) => text.replace(/\s/g, " ") === "€ 1.100,00")).toBeInTheDocument();
    expect(screen.getByTestId("dashboard-period")).toHaveTextContent("jan 2026 – nov 2026");
  });
});
