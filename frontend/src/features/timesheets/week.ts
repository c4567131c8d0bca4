// ISO weeks ("2026-W10") and ISO dates ("2026-03-02") as the week grid uses them, in UTC so no time zone
// shifts a day. Weeks start on Monday; week 1 holds the year's first Thursday.
import type { Language } from "../../lib/format";

const DAY = 86_400_000;
const LOCALES: Record<Language, string> = { en: "en-GB", nl: "nl-NL" };

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

function toUtc(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

function fromUtc(time: number): string {
  const date = new Date(time);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Today in the browser's time zone, as an ISO date. */
export function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * DAY);
}

/** The ISO week holding a date: 2026-03-02 -> "2026-W10". */
export function isoWeekOf(date: string): string {
  const time = toUtc(date);
  const weekday = (new Date(time).getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  const thursday = new Date(time + (3 - weekday) * DAY);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY / 7);
  return `${year}-W${pad(week)}`;
}

/** "2026-W10" as [2026, 10], or null when it is no ISO week. */
export function parseWeek(text: string | null | undefined): [number, number] | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(text ?? "");
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > 53) return null;
  const parsed: [number, number] = [year, week];
  return isoWeekOf(mondayOfParts(parsed)) === `${year}-W${pad(week)}` ? parsed : null;
}

function mondayOfParts([year, week]: [number, number]): string {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return fromUtc(jan4 - weekday * DAY + (week - 1) * 7 * DAY);
}

/** The Monday of an ISO week ("2026-W10" -> "2026-03-02"). */
export function mondayOf(week: string): string {
  const parts = parseWeek(week);
  if (!parts) throw new Error(`${week} is not an ISO week.`);
  return mondayOfParts(parts);
}

export function sundayOf(week: string): string {
  return addDays(mondayOf(week), 6);
}

export function shiftWeek(week: string, weeks: number): string {
  return isoWeekOf(addDays(mondayOf(week), weeks * 7));
}

/** The week's number: "2026-W10" -> 10. */
export function weekNumber(week: string): number {
  return parseWeek(week)?.[1] ?? 0;
}

/** A grid column's heading: "Mon 02/03" / "ma 2-3". */
export function dayLabel(date: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], { weekday: "short", day: "numeric", month: "numeric", timeZone: "UTC" }).format(
    new Date(toUtc(date)),
  );
}
