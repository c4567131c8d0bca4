import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiFailure, api, unwrap } from "../api/client";
import { mockApi } from "./render";

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = "csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
});

describe("the API client", () => {
  it("answers from the stubbed fetch and sends the CSRF cookie's token on writes", async () => {
    document.cookie = "csrftoken=abc123";
    const calls = mockApi({ "POST /api/v1/auth/logout/": [204, null] });
    const spy = vi.mocked(globalThis.fetch);

    await unwrap(api.POST("/api/v1/auth/logout/"));

    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(["POST /api/v1/auth/logout/"]);
    const request = spy.mock.calls[0]?.[0] as Request;
    expect(request.headers.get("X-CSRFToken")).toBe("abc123");
  });

  it("turns an error answer into an ApiFailure with the messages per field", async () => {
    mockApi({
      "POST /api/v1/auth/login/": [400, { message: "Check the fields.", extra: { fields: { email: ["Enter a valid email address."] } } }],
    });

    const failure = await unwrap(api.POST("/api/v1/auth/login/", { body: { email: "x", password: "y" } })).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ApiFailure);
    expect((failure as ApiFailure).status).toBe(400);
    expect((failure as ApiFailure).message).toBe("Check the fields.");
    expect((failure as ApiFailure).fields).toEqual({ email: ["Enter a valid email address."] });
  });
});
