// The one typed client of the API: types generated from /api/schema/ (openapi.json -> schema.d.ts by
// `npm run gen:api`; `make test` fails when they are stale). Same origin as Django: the session cookie
// authenticates, and writes carry the CSRF token from its cookie.
import createClient, { type Middleware } from "openapi-fetch";

import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Me = Schemas["Me"];
export type Role = Schemas["RoleEnum"];

/** The API's one error shape: a message, and a list of messages per field. */
export interface ApiError {
  message: string;
  extra?: { fields?: Record<string, string[]> };
}

export function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match?.[1] ? decodeURIComponent(match[1]) : "";
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (!["GET", "HEAD", "OPTIONS"].includes(request.method)) {
      request.headers.set("X-CSRFToken", csrfToken());
    }
    return request;
  },
};

export const api = createClient<paths>({
  // absolute (the page's origin), so a Request can be built outside a browser too (tests)
  baseUrl: typeof window !== "undefined" ? window.location.origin : "",
  credentials: "same-origin",
  // looked up on each call, so a test's stubbed fetch answers
  fetch: (request) => globalThis.fetch(request),
});
api.use(csrf);

/** Thrown by `unwrap` for any non-2xx answer; `fields` holds the messages per field (HTTP 400). */
export class ApiFailure extends Error {
  readonly status: number;
  readonly fields: Record<string, string[]>;

  constructor(status: number, body: unknown) {
    const error = (body ?? {}) as Partial<ApiError>;
    super(error.message ?? `The server answered ${status}.`);
    this.status = status;
    this.fields = error.extra?.fields ?? {};
  }
}

/** The data of a 2xx answer of an openapi-fetch call, or an ApiFailure. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    throw new ApiFailure(response.status, error);
  }
  return data as T;
}
