import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderApp } from "../test/render";
import { ReportTable, type ReportTableData } from "./ReportTable";

const table: ReportTableData = {
  name: "revenue_by_client",
  title: "Revenue by client",
  columns: [
    { key: "client_id", label: "Client id", kind: "integer" },
    { key: "client", label: "Client", kind: "text" },
    { key: "revenue", label: "Revenue", kind: "money" },
    { key: "hours", label: "Hours billed", kind: "hours" },
  ],
  rows: [{ client_id: 1, client: "Acme B.V.", revenue: "1234.50", hours: "20.00" }],
};

describe("ReportTable", () => {
  it("formats the cells by column kind in English and hides ids", async () => {
    await renderApp(<ReportTable table={table} />, { language: "en" });
    expect(screen.getByText("Acme B.V.")).toBeInTheDocument();
    expect(screen.getByText("€1,234.50")).toBeInTheDocument();
    expect(screen.getByText("20.00")).toBeInTheDocument();
    expect(screen.queryByText("Client id")).not.toBeInTheDocument();
  });

  it("formats them in Dutch", async () => {
    await renderApp(<ReportTable table={table} />, { language: "nl" });
    expect(screen.getByText((text) => text.replace(/\s/g, " ") === "€ 1.234,50")).toBeInTheDocument();
    expect(screen.getByText("20,00")).toBeInTheDocument();
  });

  it("says what to do when there are no rows", async () => {
    await renderApp(<ReportTable table={{ ...table, rows: [] }} />);
    expect(screen.getByText(/finalise invoices/)).toBeInTheDocument();
  });
});
