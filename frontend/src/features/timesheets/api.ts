// week-grid/ (a secretary's week: GET, and PUT to save it all or nothing), timesheets/ (the list with its
// filters) and timesheets/{id}/submit/; secretaries/ for the team manager's secretary filter.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../../api/client";
import type { paths } from "../../api/schema";

export type WeekGrid = Schemas["WeekGrid"];
export type GridRow = Schemas["GridRow"];
export type GridCell = Schemas["GridCell"];
export type CellInput = Schemas["CellInputRequest"];
export type Timesheet = Schemas["Timesheet"];
export type TimesheetStatus = Schemas["TimesheetStatusEnum"];
export type TimesheetQuery = NonNullable<paths["/api/v1/timesheets/"]["get"]["parameters"]["query"]>;

export const TIMESHEET_STATUSES: TimesheetStatus[] = ["open", "submitted", "approved", "rejected", "invoiced"];
/** The statuses whose hours can still change and be submitted (EDITABLE_TIMESHEET_STATUSES on the server). */
export const EDITABLE_STATUSES: TimesheetStatus[] = ["open", "rejected"];

const GRID_KEY = "week-grid";
const SHEETS_KEY = "timesheets";

/** The week's grid: the secretary's own (no secretaryId), or one a team manager chose. */
export function useWeekGrid(week: string, secretaryId: number | null) {
  return useQuery({
    queryKey: [GRID_KEY, week, secretaryId],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/week-grid/", {
          params: { query: { week, ...(secretaryId !== null ? { secretary_id: secretaryId } : {}) } },
        }),
      ),
  });
}

export function useTimesheets(query: TimesheetQuery, enabled = true) {
  return useQuery({
    queryKey: [SHEETS_KEY, query],
    queryFn: () => unwrap(api.GET("/api/v1/timesheets/", { params: { query } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useSecretaries(enabled = true) {
  return useQuery({
    queryKey: ["secretaries", "active"],
    queryFn: () => unwrap(api.GET("/api/v1/secretaries/", { params: { query: { active: true, page_size: 100 } } })),
    enabled,
    staleTime: 60_000,
  });
}

function useRefresh() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: [GRID_KEY] }),
      client.invalidateQueries({ queryKey: [SHEETS_KEY] }),
    ]);
}

/** PUT week-grid/: saves the cells all or nothing; a 400 names the bad ones `cells.<index>.<field>`. */
export function useSaveWeekGrid() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (input: { cells: CellInput[]; secretaryId: number | null }) =>
      unwrap(
        api.PUT("/api/v1/week-grid/", {
          body: { cells: input.cells, ...(input.secretaryId !== null ? { secretary_id: input.secretaryId } : {}) },
        }),
      ),
    onSuccess: refresh,
  });
}

/** POST timesheets/{id}/submit/ for each sheet in turn; stops at the first the server refuses. */
export function useSubmitTimesheets() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async (ids: number[]) => {
      const done: Timesheet[] = [];
      for (const id of ids) {
        done.push(await unwrap(api.POST("/api/v1/timesheets/{id}/submit/", { params: { path: { id } } })));
      }
      return done;
    },
    onSettled: refresh, // some may have gone through before one was refused
  });
}

// The Timesheet schema types `secretary` and `client` as free objects: read their known keys safely.
export function secretaryOf(sheet: Timesheet): { id: number | null; name: string } {
  const { id, full_name: name } = sheet.secretary;
  return { id: typeof id === "number" ? id : null, name: typeof name === "string" ? name : "" };
}

export function clientOf(sheet: Timesheet): string {
  const name = sheet.client.legal_name;
  return typeof name === "string" ? name : "";
}
