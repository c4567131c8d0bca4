// Small pure helpers of the placements screens: API errors per field, ISO dates, the board's colour scale
// and the rate card in force. No money is computed here: rates and hours stay the API's strings.
import dayjs from "dayjs";

import { ApiFailure } from "../../api/client";
import { chartNumber } from "../../lib/format";
import type { RateCard } from "./api";

/** The messages the API gave for `field`, joined; undefined when it gave none (for a Mantine `error` prop). */
export function fieldError(error: unknown, ...fields: string[]): string | undefined {
  if (!(error instanceof ApiFailure)) return undefined;
  const messages = fields.flatMap((field) => error.fields[field] ?? []);
  return messages.length ? messages.join(" ") : undefined;
}

/** The error's message for an Alert when none of its field messages can show next to one of `shown`. */
export function formError(error: unknown, shown: string[]): string | null {
  if (!error) return null;
  if (error instanceof ApiFailure) {
    const elsewhere = Object.entries(error.fields)
      .filter(([field]) => !shown.includes(field))
      .map(([field, messages]) => (field === "non_field_errors" ? messages.join(" ") : `${field}: ${messages.join(" ")}`));
    if (Object.keys(error.fields).length > 0 && elsewhere.length === 0) return null;
    return elsewhere.length ? `${error.message} ${elsewhere.join(" ")}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Today as an ISO date (the browser's calendar day). */
export function today(): string {
  return dayjs().format("YYYY-MM-DD");
}

/** The Monday of the ISO week holding `date` (an ISO date). */
export function mondayOf(date: string): string {
  const day = dayjs(date);
  const offset = (day.day() + 6) % 7; // Monday 0 .. Sunday 6
  return day.subtract(offset, "day").format("YYYY-MM-DD");
}

export function addDays(date: string, days: number): string {
  return dayjs(date).add(days, "day").format("YYYY-MM-DD");
}

/** "2026-W05" as "W05" for a column head. */
export function shortWeek(week: string): string {
  const match = week.match(/-W(\d+)$/);
  return match ? `W${match[1]}` : week;
}

/** Does a placement [start, end] run in the week starting `monday`? (ISO date strings compare as dates.) */
export function runsInWeek(start: string, end: string | null, monday: string): boolean {
  return start <= addDays(monday, 6) && (end === null || end >= monday);
}

export type Heat = "over" | "full" | "low" | "some" | "free" | "none";

/** The heat-map bucket of a week: overbooked, full, little, some or much of the available hours free.
 * (Numbers only to pick a colour; the cell shows the API's string.) */
export function heatOf(free: string, available: string): Heat {
  const freeHours = chartNumber(free);
  const availableHours = chartNumber(available);
  if (freeHours < 0) return "over";
  if (availableHours <= 0) return "none";
  if (freeHours === 0) return "full";
  const share = freeHours / availableHours;
  if (share < 0.25) return "low";
  if (share < 0.75) return "some";
  return "free";
}

export const HEAT_COLOURS: Record<Heat, string> = {
  over: "var(--mantine-color-red-3)",
  full: "var(--mantine-color-gray-3)",
  low: "var(--mantine-color-yellow-2)",
  some: "var(--mantine-color-green-2)",
  free: "var(--mantine-color-green-5)",
  none: "var(--mantine-color-gray-1)",
};

/** The rate card in force for a client kind on `day`: the latest `valid_from` on or before it (as the API picks it). */
export function rateCardOn(cards: RateCard[], clientKind: string, day: string): RateCard | null {
  return (
    cards
      .filter((card) => card.client_kind === clientKind && card.valid_from <= day)
      .sort((a, b) => (a.valid_from < b.valid_from ? 1 : a.valid_from > b.valid_from ? -1 : 0))[0] ?? null
  );
}

/** The secretaries' skills and languages arrive as JSON lists (`unknown` in the schema). */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
