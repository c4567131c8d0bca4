import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { ClientsPage } from "./ClientsPage";
import { client, page } from "./fixtures";

afterEach(() => vi.unstubAllGlobals());

const globex = { ...client, id: 8, legal_name: "Globex Facilitair", kind: "internal" as const, vat_treatment: "none" as const, city: "Utrecht", active: false };
const approvers = page([{ id: 31, email: "fiat@acme.nl", full_name: "Femke Fiat", language: "nl", roles: ["client_approver"], is_active: true }]);

function fill(label: RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe("ClientsPage", { timeout: 20_000 }, () => {
  it("lists the clients with a page per 25", async () => {
    const calls = mockApi({ "GET /api/v1/clients/": { ...page([client, globex]), count: 30 }, "GET /api/v1/users/": approvers });
    await renderApp(<ClientsPage />);

    const table = await screen.findByTestId("clients-table");
    const acme = within(table).getByText("Acme B.V.").closest("tr")!;
    expect(within(acme).getByText("Tenant")).toBeInTheDocument();
    expect(within(acme).getByText("Amsterdam")).toBeInTheDocument();
    expect(within(acme).getByText("Standard 21 %")).toBeInTheDocument();
    const internal = within(table).getByText("Globex Facilitair").closest("tr")!;
    expect(within(internal).getByText("Internal client")).toBeInTheDocument();
    expect(within(internal).getByText("Inactive")).toBeInTheDocument();
    // 30 clients: two pages
    expect(screen.getByRole("button", { name: "2" })).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "acme" } });
    await waitFor(() => expect(calls.some((call) => call.url.includes("q=acme"))).toBe(true));
  });

  it("creates a client from the form in a modal", async () => {
    const calls = mockApi({ "GET /api/v1/clients/": page([]), "GET /api/v1/users/": approvers, "POST /api/v1/clients/": [201, { ...client, id: 9, legal_name: "Initech B.V." }] });
    await renderApp(<ClientsPage />);
    expect(await screen.findByText(/Add your first client/)).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "New client" }));
    const dialog = await screen.findByRole("dialog");
    fill(/Legal name/, "Initech B.V.");
    fill(/Street and number/, "Laan 5");
    fill(/Postcode/, "3511 AA");
    fill(/^City/, "Utrecht");
    fill(/Billing e-mail/, "ap@initech.nl");
    fill(/KvK number/, "87654321");
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));

    await waitFor(() => expect(calls.some((call) => call.method === "POST")).toBe(true));
    const body = calls.find((call) => call.method === "POST")!.body;
    expect(body).toMatchObject({
      kind: "tenant",
      legal_name: "Initech B.V.",
      street: "Laan 5",
      postcode: "3511 AA",
      city: "Utrecht",
      country: "NL",
      kvk_number: "87654321",
      billing_email: "ap@initech.nl",
      payment_term_days: 30,
      invoice_language: "nl",
      vat_treatment: "standard",
      approval_period: "monthly",
      deemed_approval_days: null,
      approver_ids: [],
      active: true,
    });
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  it("shows the API's field errors next to the fields and patches on edit", async () => {
    const calls = mockApi({
      "GET /api/v1/clients/": page([client]),
      "GET /api/v1/users/": approvers,
      "PATCH /api/v1/clients/7/": [400, { message: "Validation failed.", extra: { fields: { billing_email: ["Enter a valid email address."] } } }],
    });
    await renderApp(<ClientsPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Edit" }));
    await screen.findByRole("dialog");
    expect((screen.getByLabelText(/Legal name/) as HTMLInputElement).value).toBe("Acme B.V.");
    fill(/Billing e-mail/, "billing@");
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    const email = screen.getByLabelText(/Billing e-mail/);
    await waitFor(() => expect(email).toHaveAttribute("aria-invalid", "true"));
    expect(email).toHaveAccessibleDescription("Enter a valid email address.");
    expect(calls.find((call) => call.method === "PATCH")?.body).toMatchObject({ billing_email: "billing@", legal_name: "Acme B.V." });
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });
});
