// Small pieces the invoice screens share: status badges, API errors beside their fields or in an Alert,
// and decimal input as the API takes it ("12.50").
import { Alert, Badge, List } from "@mantine/core";

import { ApiFailure } from "../../api/client";
import { useLanguage } from "../../i18n";
import type { Invoice, PaymentStatus } from "./api";

/** A NumberInput's value as a decimal string with two places ("" when empty). The server does the sums. */
export function decimalText(value: string | number): string {
  if (typeof value === "number") return Number.isFinite(value) ? value.toFixed(2) : "";
  const text = value.trim();
  const match = /^(-?\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return text; // "" or something the server will explain
  const cents = (match[2] ?? "").padEnd(2, "0");
  return `${match[1]}.${cents}`;
}

/** Today in the browser's time zone, 2026-03-05. */
export function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The API's messages for one field, joined (for a Mantine input's `error`). */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiFailure)) return undefined;
  const messages = error.fields[field];
  return messages && messages.length > 0 ? messages.join(" ") : undefined;
}

/** The error as an Alert, unless every message of it is already shown beside one of `shown` fields. */
export function ErrorAlert({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  const fields = error instanceof ApiFailure ? error.fields : {};
  const elsewhere = Object.entries(fields).filter(([field]) => !shown.includes(field));
  const inline = Object.keys(fields).length > 0 && elsewhere.length === 0;
  if (inline) return null;
  const message = error instanceof Error ? error.message : String(error);
  const details = elsewhere.flatMap(([, messages]) => messages).filter((text) => text !== message);
  return (
    <Alert color="red" role="alert">
      {message}
      {details.length > 0 && (
        <List size="sm" mt="xs">
          {details.map((text) => (
            <List.Item key={text}>{text}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

const PAYMENT_COLOURS: Record<PaymentStatus, string> = {
  open: "blue",
  partially_paid: "yellow",
  paid: "green",
  overdue: "red",
};

export function StatusBadge({ invoice }: { invoice: Invoice }) {
  const { t } = useLanguage();
  const status = invoice.status ?? "draft";
  return (
    <Badge color={status === "draft" ? "gray" : "teal"} variant="light">
      {t(`invoices.status.${status}`)}
    </Badge>
  );
}

export function PaymentBadge({ invoice }: { invoice: Invoice }) {
  const { t } = useLanguage();
  if (!invoice.payment) return <>–</>;
  return (
    <>
      <Badge color={PAYMENT_COLOURS[invoice.payment.status]} variant="light">
        {t(`invoices.payment.${invoice.payment.status}`)}
      </Badge>
      {invoice.payment.overpaid && (
        <Badge color="orange" variant="outline" ml={4}>
          {t("invoices.payment.overpaid")}
        </Badge>
      )}
    </>
  );
}

/** The invoice's number, or "Draft 12" before it has one. */
export function invoiceName(invoice: Invoice, t: (key: string, options?: Record<string, unknown>) => string): string {
  return invoice.number ? invoice.number : t("invoices.draftName", { id: invoice.id });
}

/** The VAT rates the API accepts for a manual line of this draft (calc.vat_rates_allowed). */
export function vatRatesFor(invoice: Invoice): string[] {
  return invoice.vat_treatment === "standard" ? ["21.00", "9.00", "0.00"] : ["0.00"];
}
