// An approver pays a tenant invoice online: the API gives a live Stripe Checkout Session, the browser goes there.
// Shown only while the invoice has a pay_url (Stripe is on, it is a tenant invoice and something is owed).
import { Button } from "@mantine/core";
import { notifications } from "@mantine/notifications";

import { useLanguage } from "../../i18n";
import { formatMoney } from "../../lib/format";
import { useCheckout, type Invoice } from "./api";

/** Leaving the app for Stripe's page (an object, so a test can watch it). */
export const browser = { go: (url: string) => window.location.assign(url) };

export function PayButton({ invoice, size = "xs" }: { invoice: Invoice; size?: "xs" | "sm" }) {
  const { t, language } = useLanguage();
  const checkout = useCheckout();
  if (!invoice.pay_url) return null;
  return (
    <Button
      size={size}
      color="green"
      loading={checkout.isPending}
      onClick={() =>
        checkout.mutate(invoice.id, {
          onSuccess: (session) => {
            if (session.url) browser.go(session.url);
          },
          onError: (error) => notifications.show({ color: "red", title: t("invoices.payOnline.failed"), message: error.message }),
        })
      }
    >
      {t("invoices.payOnline.button", { amount: formatMoney(invoice.payment?.outstanding, language) })}
    </Button>
  );
}
