// Canned API answers for the placements tests.
import type { Candidate, Client, PoolBoard, RateCard, Secretary } from "./api";

export const pools = { count: 1, next: null, previous: null, results: [{ id: 1, name: "Pool Noord", cost_centre: "KP-1", manager_ids: [9], created_at: "2026-01-01T00:00:00Z" }] };

const MONDAYS = ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30", "2026-04-06", "2026-04-13", "2026-04-20", "2026-04-27", "2026-05-04", "2026-05-11", "2026-05-18"];
const WEEKS = MONDAYS.map((_, index) => `2026-W${String(10 + index).padStart(2, "0")}`);

function weeks(free: (index: number) => string, placementIds: (index: number) => number[] = () => []) {
  return MONDAYS.map((monday, index) => ({
    week: WEEKS[index]!,
    monday,
    available: "32.00",
    leave: "0.00",
    placed: "0.00",
    free: free(index),
    placement_ids: placementIds(index),
  }));
}

export const board: PoolBoard = {
  weeks: WEEKS,
  rows: [
    {
      secretary: { id: 11, full_name: "Anna de Vries", pool: { id: 1, name: "Pool Noord" } },
      weeks: weeks((index) => (index < 4 ? "12.00" : "32.00"), (index) => (index < 4 ? [501] : [])),
    },
    {
      secretary: { id: 12, full_name: "Bram Jansen", pool: { id: 1, name: "Pool Noord" } },
      weeks: weeks((index) => (index === 2 ? "-4.50" : "0.00")),
    },
  ],
  placements: [
    { id: 501, secretary_id: 11, client: "Acme B.V.", start_date: "2026-03-02", end_date: "2026-03-27", hours_per_week: "20.00", status: "active" },
  ],
};

export const candidate: Candidate = {
  secretary: { id: 11, full_name: "Anna de Vries", pool: { id: 1, name: "Pool Noord" } },
  skills: ["legal", "minutes"],
  languages: ["nl", "en"],
  matched_skills: ["legal"],
  matched_languages: [],
  fit: "1.00",
  min_free: "12.00",
  weeks: [],
};

export const client: Client = {
  id: 7,
  kind: "tenant",
  legal_name: "Acme B.V.",
  street: "Kade 1",
  postcode: "1011 AB",
  city: "Amsterdam",
  country: "NL",
  kvk_number: "12345678",
  vat_number: "NL123456789B01",
  billing_email: "billing@acme.nl",
  payment_term_days: 30,
  invoice_language: "nl",
  vat_treatment: "standard",
  cost_centre: "",
  approval_period: "monthly",
  deemed_approval_days: null,
  approver_ids: [],
  active: true,
  created_at: "2026-01-01T00:00:00Z",
};

// In force on any start date of the tests: the 2024 tenant card (not the older one, not the future one).
export const rateCards: { count: number; results: RateCard[] } = {
  count: 4,
  results: [
    { id: 1, pool: { id: 1, name: "Pool Noord" }, client_kind: "tenant", valid_from: "2020-01-01", hourly_rate: "42.00", created_at: "2020-01-01T00:00:00Z" },
    { id: 2, pool: { id: 1, name: "Pool Noord" }, client_kind: "tenant", valid_from: "2024-01-01", hourly_rate: "45.50", created_at: "2024-01-01T00:00:00Z" },
    { id: 3, pool: { id: 1, name: "Pool Noord" }, client_kind: "tenant", valid_from: "2099-01-01", hourly_rate: "99.00", created_at: "2024-01-01T00:00:00Z" },
    { id: 4, pool: { id: 1, name: "Pool Noord" }, client_kind: "internal", valid_from: "2024-01-01", hourly_rate: "30.00", created_at: "2024-01-01T00:00:00Z" },
  ],
};

export const secretary: Secretary = {
  id: 11,
  user_id: 21,
  full_name: "Anna de Vries",
  email: "anna@secondo.nl",
  pool: { id: 1, name: "Pool Noord" },
  contract_hours: "32.00",
  base_workload_hours: "4.00",
  skills: ["legal"],
  languages: ["nl"],
  employment_start: "2024-01-01",
  employment_end: null,
  active: true,
};

export function page<T>(results: T[]) {
  return { count: results.length, next: null, previous: null, results };
}

export const placement = {
  id: 900,
  secretary: candidate.secretary,
  client: { id: 7, legal_name: "Acme B.V.", kind: "tenant" as const },
  start_date: "2026-03-02",
  end_date: null,
  hours_per_week: "20.00",
  purpose: "",
  status: "active" as const,
  notes: "",
  created_at: "2026-02-01T00:00:00Z",
  rates: [{ valid_from: "2026-03-02", hourly_rate: "45.50", source: "rate_card" }],
  current_rate: "45.50",
};
