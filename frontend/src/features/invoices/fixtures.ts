// Test data shaped as the API answers (billing/api/serializers.py).
import type { Me } from "../../api/client";
import type { Invoice, InvoiceLine, InvoiceRun } from "./api";

export function me(...roles: Me["roles"]): Me {
  return {
    id: 1,
    email: "user@example.com",
    full_name: "Test User",
    language: "en",
    roles,
    is_active: true,
    secretary_id: null,
    approver_client_ids: [],
    managed_pool_ids: [],
  };
}

export function line(overrides: Partial<InvoiceLine> = {}): InvoiceLine {
  return {
    id: 100,
    kind: "hours",
    position: 1,
    description: "Anna de Vries",
    placement_id: 5,
    timesheet_id: 7,
    period_start: "2026-03-01",
    period_end: "2026-03-31",
    quantity: "40.00",
    unit_price: "25.50",
    amount: "1020.00",
    vat_rate: "21.00",
    credited_line_id: null,
    ...overrides,
  };
}

export function invoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: 1,
    kind: "invoice",
    status: "draft",
    number: "",
    client: { id: 3, legal_name: "Acme B.V." },
    run_id: 9,
    period_start: "2026-03-01",
    period_end: "2026-03-31",
    issue_date: null,
    due_date: null,
    vat_treatment: "standard",
    language: "nl",
    net_total: "1020.25",
    vat_total: "214.25",
    total: "1234.50",
    vat_breakdown: [{ rate: "21.00", net: "1020.25", vat: "214.25" }],
    customer: null,
    credited_invoice: null,
    reason: "",
    releases_hours: false,
    notes: "",
    pdf_url: null,
    pdf_sha256: "",
    payment: null,
    pay_url: null,
    emailed_at: null,
    finalised_at: null,
    created_at: "2026-04-01T09:00:00Z",
    lines: [line()],
    ...overrides,
  };
}

export function finalised(overrides: Partial<Invoice> = {}): Invoice {
  const id = overrides.id ?? 1;
  return invoice({
    status: "finalised",
    number: `2026-0000${id}`,
    issue_date: "2026-04-02",
    due_date: "2026-05-02",
    pdf_url: `/api/v1/invoices/${id}/pdf/`,
    payment: {
      status: "open",
      amount_due: "1234.50",
      amount_paid: "0.00",
      outstanding: "1234.50",
      overpaid: false,
      due_date: "2026-05-02",
      paid_on: null,
      overdue_since: null,
      reminders_sent: 0,
      last_reminder_on: null,
    },
    ...overrides,
  });
}

export function page<T>(results: T[]) {
  return { count: results.length, next: null, previous: null, results };
}

export function run(overrides: Partial<InvoiceRun> = {}): InvoiceRun {
  return {
    id: 9,
    period: "2026-02",
    period_start: "2026-02-01",
    period_end: "2026-02-28",
    client_id: null,
    started_by: "finance@example.com",
    started_at: "2026-04-15T10:00:00Z",
    status: "done",
    finalize: false,
    finished_at: "2026-04-15T10:00:02Z",
    error: "",
    invoice_count: 2,
    line_count: 5,
    timesheet_count: 4,
    invoice_ids: [1, 2],
    ...overrides,
  };
}
