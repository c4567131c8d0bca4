// Finance records a bank transfer received for a tenant invoice: amount, date, reference.
import { Button, Group, Modal, NumberInput, Stack, Text, TextInput } from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";

import { useLanguage } from "../../i18n";
import { formatMoney } from "../../lib/format";
import { useRecordPayment, type Invoice } from "./api";
import { decimalText, ErrorAlert, fieldError, invoiceName, todayIso } from "./shared";

const FIELDS = ["amount", "date", "reference"];

export function PaymentModal({ invoice, opened, onClose }: { invoice: Invoice; opened: boolean; onClose: () => void }) {
  const { t, language } = useLanguage();
  const outstanding = invoice.payment?.outstanding;
  const owed = outstanding && !outstanding.startsWith("-") && !/^0(\.0*)?$/.test(outstanding) ? outstanding : "";
  const [amount, setAmount] = useState<string | number>(owed);
  const [date, setDate] = useState<string | null>(todayIso());
  const [reference, setReference] = useState("");
  const record = useRecordPayment(invoice.id);

  function close() {
    record.reset();
    setAmount(owed);
    setDate(todayIso());
    setReference("");
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    record.mutate(
      { amount: decimalText(amount), date: date ?? "", reference },
      {
        onSuccess: (row) => {
          notifications.show({
            color: "green",
            message: t("invoices.pay.recorded", { amount: formatMoney(row.amount, language), name: invoiceName(invoice, t) }),
          });
          close();
        },
      },
    );
  }

  return (
    <Modal opened={opened} onClose={close} title={t("invoices.pay.title", { name: invoiceName(invoice, t) })}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            {invoice.client.legal_name}
            {outstanding !== undefined && ` · ${t("invoices.pay.outstanding")}: ${formatMoney(outstanding, language)}`}
          </Text>
          <NumberInput
            label={t("invoices.pay.amount")}
            required
            value={amount}
            onChange={setAmount}
            decimalScale={2}
            decimalSeparator={language === "nl" ? "," : "."}
            allowNegative={false}
            prefix="€ "
            error={fieldError(record.error, "amount")}
          />
          <DateInput
            label={t("invoices.pay.date")}
            required
            value={date}
            onChange={setDate}
            valueFormat="D MMM YYYY"
            maxDate={todayIso()}
            error={fieldError(record.error, "date")}
          />
          <TextInput
            label={t("invoices.pay.reference")}
            description={t("invoices.pay.referenceHint")}
            value={reference}
            onChange={(event) => setReference(event.currentTarget.value)}
            maxLength={140}
            error={fieldError(record.error, "reference")}
          />
          <ErrorAlert error={record.error} shown={FIELDS} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("invoices.cancel")}
            </Button>
            <Button type="submit" loading={record.isPending}>
              {t("invoices.pay.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
