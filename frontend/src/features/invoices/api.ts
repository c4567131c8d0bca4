// invoice-runs/ (start a run), invoices/ (list, one, lines, finalize, credit-note, payments, checkout, pdf).
// Every amount goes out and comes back as a decimal string; the server computes every total.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, ApiFailure, unwrap, type Schemas } from "../../api/client";

export type Invoice = Schemas["Invoice"];
export type InvoiceLine = Schemas["InvoiceLine"];
export type InvoiceRun = Schemas["InvoiceRun"];
export type Payment = Schemas["Payment"];
export type InvoiceStatus = Schemas["InvoiceStatusEnum"];
export type PaymentStatus = Schemas["ReceivableStatusEnum"];
export type InvoiceKind = Schemas["InvoiceKindEnum"];

export const PAGE_SIZE = 25;

/** invoices/finalize/ and invoices/{id}/payments/ answer a plain JSON array, though openapi.json documents
 * a paginated page ({count, results}) for them (drf-spectacular applies the viewset's paginator to these
 * actions). Accept either shape. */
function plainList<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  const page = data as { results?: T[] } | null;
  return page?.results ?? [];
}
const INVOICES = ["invoices"] as const;

export interface InvoiceQuery {
  status?: InvoiceStatus;
  payment_status?: PaymentStatus;
  kind?: InvoiceKind;
  /** the first day of the invoiced month, 2026-03-01 */
  period?: string;
  page?: number;
  page_size?: number;
}

export function useInvoices(query: InvoiceQuery, enabled = true) {
  return useQuery({
    queryKey: [...INVOICES, "list", query],
    queryFn: () => unwrap(api.GET("/api/v1/invoices/", { params: { query: { page_size: PAGE_SIZE, ...query } } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useInvoice(id: number) {
  return useQuery({
    queryKey: [...INVOICES, "one", id],
    queryFn: () => unwrap(api.GET("/api/v1/invoices/{id}/", { params: { path: { id } } })),
  });
}

export function useInvoicePayments(id: number, enabled = true) {
  return useQuery({
    queryKey: [...INVOICES, "payments", id],
    queryFn: async () => plainList<Payment>(await unwrap(api.GET("/api/v1/invoices/{id}/payments/", { params: { path: { id } } }))),
    enabled,
  });
}

/** Every invoice query is stale after any change: totals, statuses and payment states move together. */
function useInvalidate() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: INVOICES });
}

/** How long to wait between reads of a queued run (tests set 0). */
export const runPolling = { intervalMs: 1000 };

/** A queued run (202) is read back until a worker has carried it out; a failed run is an error with its reason. */
export async function runFinished(run: InvoiceRun): Promise<InvoiceRun> {
  let current = run;
  while (current.status === "queued") {
    await new Promise((resolve) => setTimeout(resolve, runPolling.intervalMs));
    current = await unwrap(api.GET("/api/v1/invoice-runs/{id}/", { params: { path: { id: current.id } } }));
  }
  if (current.status === "failed") {
    throw new ApiFailure(200, { message: current.error });
  }
  return current;
}

/** A run for a month (2026-03): approved hours up to its end become drafts, one per client. */
export function useStartRun() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (period: string) =>
      runFinished(await unwrap(api.POST("/api/v1/invoice-runs/", { body: { period, finalize: false } }))),
    onSettled: invalidate,
  });
}

export interface LineInput {
  description: string;
  quantity: string;
  unit_price: string;
  vat_rate: string | null;
}

export function useAddLine(invoiceId: number) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: LineInput) =>
      unwrap(api.POST("/api/v1/invoices/{id}/lines/", { params: { path: { id: invoiceId } }, body })),
    onSuccess: invalidate,
  });
}

export function useRemoveLine(invoiceId: number) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (lineId: number) =>
      unwrap(
        api.DELETE("/api/v1/invoices/{id}/lines/{line_id}/", { params: { path: { id: invoiceId, line_id: String(lineId) } } }),
      ),
    onSuccess: invalidate,
  });
}

export function useDeleteDraft() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE("/api/v1/invoices/{id}/", { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

/** Finalise several drafts: all of them, or none (a message per draft in fields.invoice_ids). */
export function useFinalize() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (invoiceIds: number[]) =>
      plainList<Invoice>(await unwrap(api.POST("/api/v1/invoices/finalize/", { body: { invoice_ids: invoiceIds } }))),
    onSuccess: invalidate,
  });
}

export interface PaymentInput {
  amount: string;
  date: string;
  reference: string;
}

/** A bank transfer received for a tenant invoice (the ledger's `payment` kind). */
export function useRecordPayment(invoiceId: number) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: PaymentInput) =>
      unwrap(
        api.POST("/api/v1/invoices/{id}/payments/", {
          params: { path: { id: invoiceId } },
          body: { kind: "payment", note: "", ...input },
        }),
      ),
    onSuccess: invalidate,
  });
}

export interface CreditNoteInput {
  reason: string;
  /** null: everything not yet credited */
  lines: { line_id: number; quantity: string }[] | null;
  release_hours: boolean;
}

export function useCreditNote(invoiceId: number) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: CreditNoteInput) =>
      unwrap(api.POST("/api/v1/invoices/{id}/credit-note/", { params: { path: { id: invoiceId } }, body })),
    onSuccess: invalidate,
  });
}

/** A live Stripe Checkout Session for what the invoice still owes; the caller sends the browser to its url. */
export function useCheckout() {
  return useMutation({
    mutationFn: (invoiceId: number) =>
      unwrap(api.POST("/api/v1/invoices/{id}/checkout/", { params: { path: { id: invoiceId } } })),
  });
}
