import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp, type MockedCall } from "../../test/render";
import { candidate, client, page, placement, pools, rateCards } from "./fixtures";
import { PlacePage } from "./PlacePage";

afterEach(() => vi.unstubAllGlobals());

const POST = "POST /api/v1/placements/";

function routes(answer: unknown): Record<string, unknown> {
  return {
    "GET /api/v1/pools/": pools,
    "GET /api/v1/availability/": page([candidate]),
    "GET /api/v1/clients/": page([client]),
    "GET /api/v1/rate-cards/": rateCards,
    [POST]: answer,
  };
}

function posted(calls: MockedCall[]): Record<string, unknown> {
  const call = calls.find((item) => item.method === "POST" && item.url === "/api/v1/placements/");
  expect(call).toBeDefined();
  return call!.body as Record<string, unknown>;
}

/** Search 20 h a week, pick Anna, pick Acme and walk to the hours-and-rate step. */
async function toTerms(language: "en" | "nl" = "en") {
  await renderApp(<PlacePage />, { language });
  const hours = language === "nl" ? "Uren per week" : "Hours a week";
  fireEvent.change(screen.getByLabelText(new RegExp(hours)), { target: { value: "20" } });
  fireEvent.click(screen.getByRole("button", { name: language === "nl" ? "Zoeken" : "Search" }));
  const row = (await screen.findByText("Anna de Vries")).closest("tr")!;
  fireEvent.click(within(row).getByRole("button", { name: language === "nl" ? "Plaatsen" : "Place" }));

  const clientSelect = await screen.findByRole("combobox", { name: language === "nl" ? /Klant/ : /Client/ });
  await waitFor(() => expect(clientSelect).not.toBeDisabled());
  fireEvent.click(clientSelect);
  fireEvent.click(await screen.findByRole("option", { name: "Acme B.V.", hidden: true }));
  const next = language === "nl" ? "Volgende" : "Next";
  fireEvent.click(screen.getByRole("button", { name: next })); // -> dates (prefilled from the search)
  fireEvent.click(await screen.findByRole("button", { name: next })); // -> hours and rate
  await screen.findByLabelText(new RegExp(language === "nl" ? "Uurtarief" : "Hourly rate"));
}

async function toReviewAndPlace() {
  fireEvent.click(screen.getByRole("button", { name: "Next" }));
  await screen.findByText("Hours and rate");
  fireEvent.click(screen.getByRole("button", { name: "Place" }));
}

// Walking a Stepper through jsdom takes a few seconds.
describe("PlacePage", { timeout: 20_000 }, () => {
  it("prefills the rate from the pool's rate card and posts the placement", async () => {
    const calls = mockApi(routes([201, placement]));
    await toTerms();

    const rate = screen.getByLabelText(/Hourly rate/) as HTMLInputElement;
    await waitFor(() => expect(rate.value).toBe("€ 45.50"));
    expect(screen.getByText(/From the rate card of Pool Noord, valid from 1 Jan 2024/)).toBeInTheDocument();
    expect((screen.getByLabelText(/Hours a week/) as HTMLInputElement).value).toBe("20");

    await toReviewAndPlace();
    expect(await screen.findByText(/Anna de Vries works 20.00 h a week for Acme B.V./)).toBeInTheDocument();

    const body = posted(calls);
    expect(body).toMatchObject({
      secretary_id: 11,
      client_id: 7,
      hours_per_week: "20",
      hourly_rate: null, // the card's rate: the API records it as the rate card's
      status: "active",
      override_reason: "",
    });
    expect(body.start_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const search = calls.find((call) => call.url.startsWith("/api/v1/availability/"));
    expect(search?.url).toContain("hours_per_week=20");
  });

  it("shows the overbooking warning and sends the override with its reason", async () => {
    const overbooked = {
      message: "Not enough free capacity: 2026-W12 short 4.00 h. Shorten or reduce the placement, or override with a written reason.",
      extra: {
        fields: { hours_per_week: ["Not enough free capacity: 2026-W12 short 4.00 h."], override_reason: ["Give a reason to place anyway."] },
        shortfall: [{ week: "2026-W12", short: "4.00" }],
      },
    };
    const refused = mockApi(routes([400, overbooked]));
    await toTerms();
    // an agreed rate instead of the card's goes as a decimal string
    fireEvent.change(screen.getByLabelText(/Hourly rate/), { target: { value: "€ 50.25" } });
    await toReviewAndPlace();

    const warning = await screen.findByTestId("overbooked");
    expect(within(warning).getByText("Not enough free capacity")).toBeInTheDocument();
    expect(within(warning).getByText("2026-W12: 4.00 h short")).toBeInTheDocument();
    expect(posted(refused).override_reason).toBe("");
    // the API's "give a reason" answered the request without one: typing a reason does not show it as an error
    fireEvent.change(within(warning).getByLabelText(/Reason to place anyway/), { target: { value: "Overtime" } });
    expect(within(warning).queryByText("Give a reason to place anyway.")).not.toBeInTheDocument();
    fireEvent.change(within(warning).getByLabelText(/Reason to place anyway/), { target: { value: "" } });

    // no reason, no override
    fireEvent.click(within(warning).getByRole("button", { name: "Place anyway" }));
    expect(await within(warning).findByText("Give a reason to place anyway.")).toBeInTheDocument();

    const calls = mockApi(routes([201, placement]));
    fireEvent.change(within(warning).getByLabelText(/Reason to place anyway/), { target: { value: "Overtime agreed with Anna" } });
    fireEvent.click(within(warning).getByRole("button", { name: "Place anyway" }));
    expect(await screen.findByText("Placed")).toBeInTheDocument();
    expect(posted(calls)).toMatchObject({ override_reason: "Overtime agreed with Anna", hourly_rate: "50.25", hours_per_week: "20" });
  });

  it("shows a 400 field error next to its field, on its step", async () => {
    mockApi(
      routes([
        400,
        { message: "Validation failed.", extra: { fields: { end_date: ["The secretary's employment ends on 2026-06-30; end the placement by then."] } } },
      ]),
    );
    await toTerms();
    await toReviewAndPlace();

    const end = await screen.findByLabelText(/End date/);
    await waitFor(() => expect(end).toHaveAttribute("aria-invalid", "true"));
    expect(end).toHaveAccessibleDescription(/employment ends on 2026-06-30/);
  });

  it("says what to do when nobody has the hours free", async () => {
    mockApi({ ...routes([201, placement]), "GET /api/v1/availability/": page([]) });
    await renderApp(<PlacePage />);
    fireEvent.change(screen.getByLabelText(/Hours a week/), { target: { value: "40" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText(/Try fewer hours a week/)).toBeInTheDocument();
  });

  it("prefills the rate in Dutch", async () => {
    mockApi(routes([201, placement]));
    await toTerms("nl");
    const rate = screen.getByLabelText(/Uurtarief/) as HTMLInputElement;
    await waitFor(() => expect(rate.value).toBe("€ 45,50"));
    expect(screen.getByText(/Uit de tariefkaart van Pool Noord, geldig vanaf 1 jan 2024/)).toBeInTheDocument();
  });
});
