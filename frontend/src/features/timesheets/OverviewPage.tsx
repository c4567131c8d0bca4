// The team manager's timesheet overview: their pools' sheets with a status and secretary filter, a page at a
// time; each row opens that secretary's week in the grid.
import { Alert, Anchor, Group, Loader, Pagination, SegmentedControl, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useState } from "react";
import { Link } from "react-router-dom";

import { useLanguage } from "../../i18n";
import { formatHours } from "../../lib/format";
import {
  TIMESHEET_STATUSES,
  clientOf,
  secretaryOf,
  useSecretaries,
  useTimesheets,
  type Timesheet,
  type TimesheetQuery,
  type TimesheetStatus,
} from "./api";
import { StatusBadge, periodText } from "./shared";
import { isoWeekOf } from "./week";

export const OVERVIEW_PAGE_SIZE = 25;

type Filter = TimesheetStatus | "all";

function weekLink(sheet: Timesheet): string | null {
  const { id } = secretaryOf(sheet);
  if (id === null) return null;
  const week = isoWeekOf(sheet.entries[0]?.date ?? sheet.period_start);
  return `/timesheets?${new URLSearchParams({ week, secretary: String(id) }).toString()}`;
}

export function OverviewPage() {
  const { t, language } = useLanguage();
  const phone = useMediaQuery("(max-width: 48em)");
  const [status, setStatus] = useState<Filter>("all");
  const [secretary, setSecretary] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const secretaries = useSecretaries();
  const query: TimesheetQuery = {
    page,
    page_size: OVERVIEW_PAGE_SIZE,
    ordering: "-period_start",
    ...(status !== "all" ? { status: [status] } : {}),
    ...(secretary ? { secretary: Number(secretary) } : {}),
  };
  const sheets = useTimesheets(query);
  const pages = Math.max(1, Math.ceil((sheets.data?.count ?? 0) / OVERVIEW_PAGE_SIZE));
  const rows = sheets.data?.results ?? [];

  const filters = [
    { value: "all", label: t("timesheets.overview.all") },
    ...TIMESHEET_STATUSES.map((value) => ({ value, label: t(`timesheets.status.${value}`) })),
  ];
  const chooseStatus = (value: string | null) => {
    setStatus((value ?? "all") as Filter);
    setPage(1);
  };

  return (
    <Stack>
      <Title order={2}>{t("timesheets.overview.title")}</Title>
      <Group align="flex-end" gap="sm">
        {phone ? (
          <Select label={t("timesheets.statusLabel")} data={filters} value={status} onChange={chooseStatus} allowDeselect={false} w="100%" />
        ) : (
          <SegmentedControl aria-label={t("timesheets.statusLabel")} data={filters} value={status} onChange={chooseStatus} />
        )}
        <Select
          label={t("timesheets.secretary")}
          placeholder={t("timesheets.overview.allSecretaries")}
          searchable
          clearable
          value={secretary}
          onChange={(value) => {
            setSecretary(value);
            setPage(1);
          }}
          data={(secretaries.data?.results ?? []).map((item) => ({ value: String(item.id), label: item.full_name }))}
          w={{ base: "100%", sm: 240 }}
        />
        {sheets.isFetching && <Loader size="sm" />}
      </Group>

      {sheets.error && <Alert color="red">{sheets.error.message}</Alert>}
      {sheets.isPending && <Loader />}
      {sheets.data && rows.length === 0 && (
        <Text c="dimmed">{status === "all" && !secretary ? t("timesheets.overview.emptyAll") : t("timesheets.overview.empty")}</Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("timesheets.secretary")}</Table.Th>
                <Table.Th>{t("timesheets.client")}</Table.Th>
                <Table.Th>{t("timesheets.period")}</Table.Th>
                <Table.Th ta="right">{t("timesheets.hours")}</Table.Th>
                <Table.Th>{t("timesheets.statusLabel")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((sheet) => {
                const link = weekLink(sheet);
                return (
                  <Table.Tr key={sheet.id}>
                    <Table.Td>{secretaryOf(sheet).name}</Table.Td>
                    <Table.Td>{clientOf(sheet)}</Table.Td>
                    <Table.Td>{periodText(sheet.period_start, sheet.period_end, language)}</Table.Td>
                    <Table.Td ta="right">{formatHours(sheet.total_hours, language)}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={sheet.status} />
                      {sheet.status === "rejected" && sheet.rejection_reason && (
                        <Text size="xs" c="dimmed" maw={260}>
                          {sheet.rejection_reason}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {link && (
                        <Anchor component={Link} to={link} size="sm">
                          {t("timesheets.overview.openWeek")}
                        </Anchor>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {pages > 1 && <Pagination total={pages} value={page} onChange={setPage} />}
    </Stack>
  );
}
