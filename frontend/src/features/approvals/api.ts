// approval-inbox/ (the approver's submitted sheets with their entries), timesheets/bulk-approve/,
// timesheets/{id}/approve/ and timesheets/{id}/reject/.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../../api/client";

export type Timesheet = Schemas["Timesheet"];

/** The API's default page: 25 sheets with their entries (a month's sheet has about 15) is what an approver
 * reviews at once, and what bench/bench_load.py measures under load. */
export const INBOX_PAGE_SIZE = 25;

export const APPROVALS_KEY = ["approvals"] as const;

export function useApprovalInbox(page: number) {
  return useQuery({
    queryKey: [...APPROVALS_KEY, "inbox", page],
    queryFn: () => unwrap(api.GET("/api/v1/approval-inbox/", { params: { query: { page, page_size: INBOX_PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });
}

/** After any decision: the inbox, and whatever other screens show timesheets. */
function useRefresh() {
  const client = useQueryClient();
  return () => Promise.all([client.invalidateQueries({ queryKey: APPROVALS_KEY }), client.invalidateQueries({ queryKey: ["timesheets"] })]);
}

/** All the sheets, or none (the API then says per sheet why). */
export function useBulkApprove() {
  const refresh = useRefresh();
  return useMutation({
    // The answer is the approved sheets; the caller only needs to know it succeeded (the schema calls
    // it a page, the view answers a plain list).
    mutationFn: async (ids: number[]) => {
      await unwrap(api.POST("/api/v1/timesheets/bulk-approve/", { body: { timesheet_ids: ids } }));
      return ids;
    },
    // Refresh on failure too: a sheet that is no longer submitted has left the inbox.
    onSettled: refresh,
  });
}

export function useApprove() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.POST("/api/v1/timesheets/{id}/approve/", { params: { path: { id } } })),
    onSettled: refresh,
  });
}

export function useReject() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string }) =>
      unwrap(api.POST("/api/v1/timesheets/{id}/reject/", { params: { path: { id } }, body: { reason } })),
    onSettled: refresh,
  });
}

/** The secretary's name and the client's name: the schema types these two objects loosely. */
export function secretaryName(sheet: Timesheet): string {
  const name = sheet.secretary.full_name;
  return typeof name === "string" ? name : "";
}

export function clientName(sheet: Timesheet): string {
  const name = sheet.client.legal_name;
  return typeof name === "string" ? name : "";
}
