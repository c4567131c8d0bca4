// Money, hours, ratios and dates as the user's language writes them. Amounts arrive from the API as
// decimal strings and are formatted as such: the app never adds money up (the server does).
export type Language = "en" | "nl";

const LOCALES: Record<Language, string> = { en: "en-GB", nl: "nl-NL" };

function decimal(value: string, language: Language, options: Intl.NumberFormatOptions): string {
  // Intl formats a decimal string exactly (no float rounding of 0.125 and the like).
  return new Intl.NumberFormat(LOCALES[language], options).format(value as unknown as number);
}

export function formatMoney(value: string | null | undefined, language: Language): string {
  if (value === null || value === undefined || value === "") return "–";
  return decimal(value, language, { style: "currency", currency: "EUR", minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatHours(value: string | null | undefined, language: Language): string {
  if (value === null || value === undefined || value === "") return "–";
  return decimal(value, language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A ratio string such as "0.8123" as a percentage: 81.2 %. */
export function formatRatio(value: string | null | undefined, language: Language): string {
  if (value === null || value === undefined || value === "") return "–";
  return decimal(value, language, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** An ISO date (2026-03-05) as the language writes it, without time-zone shifts. */
export function formatDate(value: string | null | undefined, language: Language): string {
  if (!value) return "–";
  const [y, m, d] = value.split("-").map(Number);
  if (!y || !m || !d) return value;
  return new Intl.DateTimeFormat(LOCALES[language], { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** A month (2026-03 or 2026-03-01) as "Mar 2026" / "mrt 2026". */
export function formatMonth(value: string | null | undefined, language: Language): string {
  if (!value) return "–";
  const [y, m] = value.split("-").map(Number);
  if (!y || !m) return value;
  return new Intl.DateTimeFormat(LOCALES[language], { month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
}

/** A decimal string as a number for a chart's bar height only (never for sums). */
export function chartNumber(value: string | null | undefined): number {
  return value ? Number(value) : 0;
}
