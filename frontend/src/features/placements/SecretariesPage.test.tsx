import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockApi, renderApp } from "../../test/render";
import { page, pools, secretary } from "./fixtures";
import { SecretariesPage } from "./SecretariesPage";

afterEach(() => vi.unstubAllGlobals());

const newUser = { id: 40, email: "carla@secondo.nl", full_name: "Carla Smit", language: "nl", roles: ["secretary"], is_active: true };

describe("SecretariesPage", { timeout: 20_000 }, () => {
  it("lists the secretaries with their hours, skills and pool", async () => {
    mockApi({ "GET /api/v1/pools/": pools, "GET /api/v1/secretaries/": page([secretary]) });
    await renderApp(<SecretariesPage />);
    const row = (await screen.findByText("Anna de Vries")).closest("tr")!;
    expect(within(row).getByText("anna@secondo.nl")).toBeInTheDocument();
    expect(within(row).getByText("Pool Noord")).toBeInTheDocument();
    expect(within(row).getByText("32.00")).toBeInTheDocument();
    expect(within(row).getByText("4.00")).toBeInTheDocument();
    expect(within(row).getByText("legal")).toBeInTheDocument();
  });

  it("creates a new user and gives them a secretary profile", async () => {
    const calls = mockApi({
      "GET /api/v1/pools/": pools,
      "GET /api/v1/secretaries/": page([]),
      "GET /api/v1/users/": page([]),
      "POST /api/v1/users/": [201, newUser],
      "POST /api/v1/secretaries/": [201, { ...secretary, id: 13, user_id: 40, full_name: "Carla Smit" }],
    });
    await renderApp(<SecretariesPage />);
    expect(await screen.findByText(/Add the secretaries of your pool/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "New secretary" }));
    const dialog = await screen.findByRole("dialog");

    fireEvent.click(within(dialog).getByLabelText("New user"));
    fireEvent.change(await within(dialog).findByLabelText(/Full name/), { target: { value: "Carla Smit" } });
    fireEvent.change(within(dialog).getByLabelText(/E-mail address/), { target: { value: "carla@secondo.nl" } });
    fireEvent.click(within(dialog).getByRole("combobox", { name: /Pool/ }));
    fireEvent.click(await screen.findByRole("option", { name: "Pool Noord", hidden: true }));
    fireEvent.change(within(dialog).getByLabelText(/Contract hours a week/), { target: { value: "32" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));

    await waitFor(() => expect(calls.some((call) => call.url === "/api/v1/secretaries/" && call.method === "POST")).toBe(true));
    expect(calls.find((call) => call.url === "/api/v1/users/" && call.method === "POST")?.body).toMatchObject({
      full_name: "Carla Smit",
      email: "carla@secondo.nl",
      roles: ["secretary"],
    });
    const body = calls.find((call) => call.url === "/api/v1/secretaries/" && call.method === "POST")?.body as Record<string, unknown>;
    expect(body).toMatchObject({ user_id: 40, pool_id: 1, contract_hours: "32", base_workload_hours: "0.00", skills: [], languages: [] });
    expect(body.employment_start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
