// Render a component as the app does (Mantine, TanStack Query, a router, i18n) and answer its API calls
// from a table of canned responses: `mockApi({"GET /api/v1/auth/me/": me, ...})`.
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router-dom";
import { vi } from "vitest";

import "../app/features"; // every feature's messages, as the app has them
import i18n from "../i18n";
import type { Language } from "../lib/format";

export async function renderApp(ui: ReactElement, { language = "en", path = "/" }: { language?: Language; path?: string } = {}): Promise<RenderResult> {
  await i18n.changeLanguage(language);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MantineProvider>
        <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
      </MantineProvider>
    </QueryClientProvider>,
  );
}

export interface MockedCall {
  method: string;
  url: string;
  body: unknown;
}

/** Answers fetch from `routes` ("METHOD /path/" -> body, or [status, body]); records every call. Query
 * strings are ignored for matching; an unknown route answers 404. */
export function mockApi(routes: Record<string, unknown>): MockedCall[] {
  const calls: MockedCall[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      const url = new URL(request.url, "http://localhost");
      const text = request.method === "GET" ? "" : await request.clone().text();
      calls.push({ method: request.method, url: url.pathname + url.search, body: text ? JSON.parse(text) : null });
      const key = `${request.method} ${url.pathname}`;
      if (!(key in routes)) return new Response(JSON.stringify({ message: "Not found.", extra: { fields: {} } }), { status: 404 });
      const answer = routes[key];
      const [status, body] = Array.isArray(answer) && typeof answer[0] === "number" ? answer : [200, answer];
      return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    }),
  );
  return calls;
}
