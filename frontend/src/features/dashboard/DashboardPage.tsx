// The director's revenue dashboard: KPIs, revenue per month (stacked), top clients, utilisation per
// secretary, receivables by age and forward revenue, for a period and pool; every table exports.
import { BarChart } from "@mantine/charts";
import { Alert, Group, Loader, Paper, Select, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { MonthPickerInput } from "@mantine/dates";
import { useState } from "react";

import { ReportTable, type ReportTableData } from "../../components/ReportTable";
import { useLanguage } from "../../i18n";
import { chartNumber, formatMoney, formatMonth, formatRatio } from "../../lib/format";
import { useDashboard, useDashboardTable, usePools, type DashboardQuery } from "./api";

const KPIS: { key: string; kind: "money" | "ratio" }[] = [
  { key: "revenue", kind: "money" },
  { key: "cost_recovery", kind: "ratio" },
  { key: "placed_utilisation", kind: "ratio" },
  { key: "receivables_outstanding", kind: "money" },
  { key: "earned_not_invoiced", kind: "money" },
  { key: "forward_revenue", kind: "money" },
];

function monthText(date: string | null): string | undefined {
  return date ? date.slice(0, 7) : undefined;
}

export function DashboardPage() {
  const { t, language } = useLanguage();
  const [start, setStart] = useState<string | null>(null);
  const [end, setEnd] = useState<string | null>(null);
  const [pool, setPool] = useState<string | null>(null);
  // By default the year to date (January up to this month); the API's own default is the last 12 months.
  const query: DashboardQuery = {
    start: monthText(start) ?? `${new Date().getFullYear()}-01`,
    ...(monthText(end) ? { end: monthText(end) } : {}),
    ...(pool ? { pool_id: Number(pool) } : {}),
  };
  const dashboard = useDashboard(query);
  const pools = usePools();
  const more = dashboard.data?.more_tables ?? [];
  const clients = useDashboardTable("revenue_by_client", query, more.includes("revenue_by_client"));
  const utilisation = useDashboardTable("utilisation_by_secretary", query, more.includes("utilisation_by_secretary"));
  const exportQuery = new URLSearchParams(
    Object.entries(query).map(([key, value]) => [key, String(value)]),
  ).toString();

  const table = (name: string): ReportTableData | undefined => dashboard.data?.tables.find((item) => item.name === name);
  const byMonth = table("revenue_by_month");
  const chart = (byMonth?.rows ?? []).map((row) => ({
    month: formatMonth(String(row.month), language),
    [t("dashboard.tenants")]: chartNumber(row.tenants as string),
    [t("dashboard.internal")]: chartNumber(row.internal as string),
    [t("dashboard.other")]: chartNumber(row.other as string),
  }));

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>{t("dashboard.title")}</Title>
          {dashboard.data && (
            <Text c="dimmed" size="sm" data-testid="dashboard-period">
              {formatMonth(dashboard.data.period.start, language)} – {formatMonth(dashboard.data.period.end, language)}
            </Text>
          )}
        </Stack>
        <Group>
          <MonthPickerInput label={t("dashboard.start")} value={start} onChange={setStart} clearable w={150} />
          <MonthPickerInput label={t("dashboard.end")} value={end} onChange={setEnd} clearable w={150} />
          <Select
            label={t("dashboard.pool")}
            placeholder={t("dashboard.allPools")}
            clearable
            value={pool}
            onChange={setPool}
            data={(pools.data?.results ?? []).map((item) => ({ value: String(item.id), label: item.name }))}
            w={180}
          />
        </Group>
      </Group>
      {dashboard.error && <Alert color="red">{dashboard.error.message}</Alert>}
      {dashboard.isPending && <Loader />}
      {dashboard.data && (
        <>
          <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }}>
            {KPIS.filter((kpi) => kpi.key in dashboard.data.figures).map((kpi) => {
              const value = dashboard.data.figures[kpi.key] ?? null;
              return (
                <Paper key={kpi.key} withBorder p="md" data-testid={`kpi-${kpi.key}`}>
                  <Text size="xs" c="dimmed">
                    {kpi.key === "revenue" && !start ? t("dashboard.kpis.revenue_ytd") : t(`dashboard.kpis.${kpi.key}`)}
                  </Text>
                  <Text fw={700} size="lg">
                    {kpi.kind === "money" ? formatMoney(value, language) : formatRatio(value, language)}
                  </Text>
                </Paper>
              );
            })}
          </SimpleGrid>
          <Paper withBorder p="md">
            <Title order={4} mb="sm">
              {t("dashboard.revenueByMonth")}
            </Title>
            <BarChart
              h={260}
              data={chart}
              dataKey="month"
              type="stacked"
              series={[
                { name: t("dashboard.tenants"), color: "blue.6" },
                { name: t("dashboard.internal"), color: "teal.6" },
                { name: t("dashboard.other"), color: "orange.6" },
              ]}
              valueFormatter={(value) => formatMoney(String(value), language)}
            />
          </Paper>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            {clients.data && (
              <ReportTable table={clients.data.table} title={t("dashboard.topClients")} limit={10} exportQuery={exportQuery} />
            )}
            {table("receivables_aging") && (
              <ReportTable table={table("receivables_aging")!} title={t("dashboard.aging")} exportQuery={exportQuery} />
            )}
            {table("forward_revenue") && (
              <ReportTable table={table("forward_revenue")!} title={t("dashboard.forward")} exportQuery={exportQuery} />
            )}
            {byMonth && <ReportTable table={byMonth} exportQuery={exportQuery} />}
          </SimpleGrid>
          {utilisation.data && (
            <ReportTable table={utilisation.data.table} title={t("dashboard.utilisation")} exportQuery={exportQuery} />
          )}
        </>
      )}
    </Stack>
  );
}
