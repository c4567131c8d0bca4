// The secretary's rejected timesheets with the approver's reason, each with a way to open its week in the
// grid, fix the hours and submit again.
import { Alert, Button, Group, Loader, Pagination, Paper, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";

import { useLanguage } from "../../i18n";
import { formatDate, formatHours } from "../../lib/format";
import { clientOf, secretaryOf, useTimesheets, type Timesheet, type TimesheetQuery } from "./api";
import { localDay, periodText } from "./shared";
import { isoWeekOf } from "./week";

const PAGE_SIZE = 20;

/** The week to open for a rejected sheet: that of its first entry, else of its period's first day. */
export function weekToFix(sheet: Timesheet): string {
  return isoWeekOf(sheet.entries[0]?.date ?? sheet.period_start);
}

export function RejectedSheets({
  secretaryId,
  onOpen,
  showEmpty = false,
  showSecretary = false,
}: {
  /** whose sheets (a team manager's choice); null: whatever the user may see (a secretary: their own) */
  secretaryId: number | null;
  onOpen: (sheet: Timesheet) => void;
  /** say so when there are none (the standalone page); the grid page shows nothing then */
  showEmpty?: boolean;
  showSecretary?: boolean;
}) {
  const { t, language } = useLanguage();
  const [page, setPage] = useState(1);
  const query: TimesheetQuery = {
    status: ["rejected"],
    page,
    page_size: PAGE_SIZE,
    ...(secretaryId !== null ? { secretary: secretaryId } : {}),
  };
  const sheets = useTimesheets(query);
  const rejected = (sheets.data?.results ?? []).filter((sheet) => sheet.status === "rejected");
  const pages = Math.ceil((sheets.data?.count ?? 0) / PAGE_SIZE);

  if (sheets.error) return <Alert color="red">{sheets.error.message}</Alert>;
  if (sheets.isPending) return showEmpty ? <Loader /> : null;
  if (rejected.length === 0) {
    return showEmpty ? <Text c="dimmed">{t("timesheets.rejected.empty")}</Text> : null;
  }
  return (
    <Stack gap="sm" component="section" aria-label={t("timesheets.rejected.title")}>
      <Title order={3}>{t("timesheets.rejected.title")}</Title>
      <Text size="sm" c="dimmed">
        {t("timesheets.rejected.intro")}
      </Text>
      {rejected.map((sheet) => {
        const rejectedOn = localDay(sheet.rejected_at);
        return (
          <Paper key={sheet.id} withBorder p="md">
            <Group justify="space-between" align="flex-start" gap="sm">
              <div>
                <Text fw={600}>{clientOf(sheet)}</Text>
                {showSecretary && <Text size="sm">{secretaryOf(sheet).name}</Text>}
                <Text size="sm" c="dimmed">
                  {periodText(sheet.period_start, sheet.period_end, language)} ·{" "}
                  {t("timesheets.hoursValue", { hours: formatHours(sheet.total_hours, language) })}
                </Text>
              </div>
              <Button variant="light" onClick={() => onOpen(sheet)}>
                {t("timesheets.rejected.open")}
              </Button>
            </Group>
            <Alert color="red" variant="light" mt="sm" title={t("timesheets.rejected.reason")}>
              {sheet.rejection_reason || t("timesheets.rejected.noReason")}
            </Alert>
            {(sheet.rejected_by || rejectedOn) && (
              <Text size="xs" c="dimmed" mt={4}>
                {t("timesheets.rejected.by", { who: sheet.rejected_by || "–", when: formatDate(rejectedOn, language) })}
              </Text>
            )}
          </Paper>
        );
      })}
      {pages > 1 && <Pagination total={pages} value={page} onChange={setPage} />}
    </Stack>
  );
}
