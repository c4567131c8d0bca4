// Small pieces the timesheet screens share: the status badge and a period as text.
import { Badge } from "@mantine/core";

import { useLanguage } from "../../i18n";
import { formatDate, type Language } from "../../lib/format";
import type { TimesheetStatus } from "./api";

const COLORS: Record<TimesheetStatus, string> = {
  open: "gray",
  submitted: "blue",
  approved: "green",
  rejected: "red",
  invoiced: "violet",
};

export function StatusBadge({ status }: { status: TimesheetStatus | null | undefined }) {
  const { t } = useLanguage();
  if (!status) return null;
  return (
    <Badge color={COLORS[status]} variant="light">
      {t(`timesheets.status.${status}`)}
    </Badge>
  );
}

export function periodText(start: string, end: string, language: Language): string {
  return start === end ? formatDate(start, language) : `${formatDate(start, language)} – ${formatDate(end, language)}`;
}

/** A timestamp's day in the browser's time zone, as an ISO date (for formatDate). */
export function localDay(timestamp: string | null | undefined): string | null {
  if (!timestamp) return null;
  const moment = new Date(timestamp);
  if (Number.isNaN(moment.getTime())) return null;
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}
