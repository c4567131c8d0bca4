// dashboard/ (the overview) and dashboard/table/ (one table in full); pools/ for the pool filter.
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";

export interface DashboardQuery {
  start?: string; // 2026-01
  end?: string;
  pool_id?: number;
}

export function useDashboard(query: DashboardQuery) {
  return useQuery({
    queryKey: ["dashboard", query],
    queryFn: () => unwrap(api.GET("/api/v1/dashboard/", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useDashboardTable(table: string, query: DashboardQuery, enabled = true) {
  return useQuery({
    queryKey: ["dashboard", "table", table, query],
    queryFn: () => unwrap(api.GET("/api/v1/dashboard/table/", { params: { query: { ...query, table } } })),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function usePools() {
  return useQuery({
    queryKey: ["pools"],
    queryFn: () => unwrap(api.GET("/api/v1/pools/", { params: { query: { page_size: 100 } } })),
  });
}
