import { screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { BoardPage } from "./BoardPage";
import { board, pools } from "./fixtures";

afterEach(() => vi.unstubAllGlobals());

describe("BoardPage", () => {
  it("shows secretaries x 12 weeks coloured by free hours, with the placements as bars", async () => {
    const calls = mockApi({ "GET /api/v1/pools/": pools, "GET /api/v1/pools/1/capacity/": board });
    await renderApp(<BoardPage />);

    const table = await screen.findByTestId("pool-board");
    expect(within(table).getByText("Anna de Vries")).toBeInTheDocument();
    expect(within(table).getByText("Bram Jansen")).toBeInTheDocument();
    // one column per ISO week
    expect(within(table).getByText("W10")).toBeInTheDocument();
    expect(within(table).getByText("W21")).toBeInTheDocument();
    expect(within(table).getAllByRole("columnheader")).toHaveLength(1 + 12);

    // free hours formatted, the cell's colour bucket from free / available
    const partly = screen.getByTestId("free-11-2026-W10");
    expect(partly).toHaveTextContent("12.00");
    expect(partly).toHaveAttribute("data-heat", "some");
    expect(screen.getByTestId("free-11-2026-W15")).toHaveAttribute("data-heat", "free");
    expect(screen.getByTestId("free-12-2026-W11")).toHaveAttribute("data-heat", "full");
    const over = screen.getByTestId("free-12-2026-W12");
    expect(over).toHaveTextContent("-4.50");
    expect(over).toHaveAttribute("data-heat", "over");

    // the placement spans its four weeks
    const bar = screen.getByTestId("placement-501");
    expect(bar).toHaveTextContent("Acme B.V. · 20.00 h/wk");
    const spanning = within(bar).getByText(/Acme B\.V\./).closest("td");
    expect(spanning).toHaveAttribute("colspan", "4");

    const capacityCall = calls.find((call) => call.url.startsWith("/api/v1/pools/1/capacity/"));
    expect(capacityCall?.url).toContain("weeks=12");
  });

  it("says what to do when the pool has no active secretaries", async () => {
    mockApi({ "GET /api/v1/pools/": pools, "GET /api/v1/pools/1/capacity/": { weeks: board.weeks, rows: [], placements: [] } });
    await renderApp(<BoardPage />);
    expect(await screen.findByText(/Add the pool's secretaries/)).toBeInTheDocument();
  });

  it("speaks Dutch: Dutch labels and decimal commas", async () => {
    mockApi({ "GET /api/v1/pools/": pools, "GET /api/v1/pools/1/capacity/": board });
    await renderApp(<BoardPage />, { language: "nl" });
    expect(await screen.findByRole("heading", { name: "Poolbord" })).toBeInTheDocument();
    expect(await screen.findByTestId("free-11-2026-W10")).toHaveTextContent("12,00");
    expect(screen.getByTestId("free-12-2026-W12")).toHaveTextContent("-4,50");
    expect(screen.getByTestId("placement-501")).toHaveTextContent("Acme B.V. · 20,00 u/wk");
    expect(screen.getByText("Overboekt")).toBeInTheDocument();
  });
});
