// What a user may do with one invoice, by role: the PDF (finalised), Pay online (approvers, Stripe on),
// record a bank payment and make a credit note (finance).
import { Button, Group } from "@mantine/core";
import { useState } from "react";

import type { Me } from "../../api/client";
import { useLanguage } from "../../i18n";
import { hasRole } from "../auth/api";
import type { Invoice } from "./api";
import { CreditNoteModal } from "./CreditNoteModal";
import { PayButton } from "./PayButton";
import { PaymentModal } from "./PaymentModal";
import { invoiceName } from "./shared";

/** A bank transfer is recorded for a finalised tenant invoice (internal statements are settled, not paid). */
export function canRecordPayment(me: Me, invoice: Invoice): boolean {
  return hasRole(me, "finance") && invoice.status === "finalised" && invoice.kind === "invoice" && invoice.payment !== null;
}

export function canCredit(me: Me, invoice: Invoice): boolean {
  return hasRole(me, "finance") && invoice.status === "finalised" && invoice.kind !== "credit_note";
}

export function InvoiceActions({ me, invoice, size = "xs" }: { me: Me; invoice: Invoice; size?: "xs" | "sm" }) {
  const { t } = useLanguage();
  const [open, setOpen] = useState<"payment" | "credit" | null>(null);
  const name = invoiceName(invoice, t);
  return (
    <Group gap={6} wrap="nowrap" justify="flex-end">
      {invoice.pdf_url && (
        <Button
          component="a"
          href={invoice.pdf_url}
          download
          size={size}
          variant="default"
          aria-label={t("invoices.pdfOf", { name })}
        >
          {t("invoices.pdf")}
        </Button>
      )}
      {hasRole(me, "client_approver") && <PayButton invoice={invoice} size={size} />}
      {canRecordPayment(me, invoice) && (
        <Button size={size} variant="light" onClick={() => setOpen("payment")} aria-label={t("invoices.pay.buttonOf", { name })}>
          {t("invoices.pay.button")}
        </Button>
      )}
      {canCredit(me, invoice) && (
        <Button size={size} variant="light" color="red" onClick={() => setOpen("credit")} aria-label={t("invoices.credit.buttonOf", { name })}>
          {t("invoices.credit.button")}
        </Button>
      )}
      {open === "payment" && <PaymentModal invoice={invoice} opened onClose={() => setOpen(null)} />}
      {open === "credit" && <CreditNoteModal invoice={invoice} opened onClose={() => setOpen(null)} />}
    </Group>
  );
}
