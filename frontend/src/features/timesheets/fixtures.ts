// Canned API answers for the timesheet tests: one secretary, week 2026-W10 (2 to 8 March 2026).
import type { Me } from "../../api/client";
import type { GridCell, Timesheet, WeekGrid } from "./api";

export const secretaryMe: Me = {
  id: 3,
  email: "anouk@example.com",
  full_name: "Anouk de Vries",
  language: "en",
  roles: ["secretary"],
  is_active: true,
  secretary_id: 7,
  approver_client_ids: [],
  managed_pool_ids: [],
};

export const managerMe: Me = { ...secretaryMe, id: 4, full_name: "Mark Manager", roles: ["team_manager"], secretary_id: null, managed_pool_ids: [1] };

export const DAYS = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"];

function cells(hours: Record<string, string>, editable: boolean, timesheetId: number, status: GridCell["timesheet_status"]): GridCell[] {
  return DAYS.map((date, index) => ({
    date,
    hours: hours[date] ?? null,
    description: "",
    editable: editable && index < 5,
    timesheet_id: timesheetId,
    timesheet_status: status,
  }));
}

export const grid: WeekGrid = {
  secretary_id: 7,
  week: "2026-W10",
  days: DAYS,
  rows: [
    {
      placement_id: 11,
      client: "Acme B.V.",
      hours_per_week: "16.00",
      cells: cells({ "2026-03-02": "7.50" }, true, 31, "open"),
      rejection_reasons: [],
    },
    {
      placement_id: 12,
      client: "Bakker & Zonen",
      hours_per_week: "8.00",
      cells: cells({ "2026-03-03": "4.00" }, false, 32, "submitted"),
      rejection_reasons: [],
    },
  ],
  day_totals: ["7.50", "4.00", "0.00", "0.00", "0.00", "0.00", "0.00"],
  daily_cap: "10.00",
};

export function sheet(overrides: Partial<Timesheet> & { id: number }): Timesheet {
  return {
    placement_id: 11,
    secretary: { id: 7, full_name: "Anouk de Vries" },
    client: { id: 1, legal_name: "Acme B.V." },
    period_start: "2026-03-02",
    period_end: "2026-03-08",
    status: "open",
    total_hours: "7.50",
    submitted_at: null,
    submitted_by: "",
    approved_at: null,
    approved_by: "",
    approval_kind: "",
    approval_hash: "",
    rejected_at: null,
    rejected_by: "",
    rejection_reason: "",
    entries: [{ id: 1, date: "2026-03-02", hours: "7.50", description: "" }],
    ...overrides,
  };
}

export function page(results: Timesheet[], count = results.length) {
  return { count, next: null, previous: null, results };
}

export const weekSheets = [
  sheet({ id: 31 }),
  sheet({
    id: 32,
    placement_id: 12,
    client: { id: 2, legal_name: "Bakker & Zonen" },
    status: "submitted",
    total_hours: "4.00",
    period_start: "2026-03-01",
    period_end: "2026-03-31",
  }),
];
