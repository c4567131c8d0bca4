// Finance adds a manual line (a training, a fixed fee) to a draft: description, quantity, unit price, VAT rate.
import { Button, Group, Modal, NumberInput, Select, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";

import { useLanguage } from "../../i18n";
import { formatMoney } from "../../lib/format";
import { useAddLine, type Invoice } from "./api";
import { decimalText, ErrorAlert, fieldError, invoiceName, vatRatesFor } from "./shared";

const FIELDS = ["description", "quantity", "unit_price", "vat_rate"];

export function AddLineModal({ invoice, opened, onClose }: { invoice: Invoice; opened: boolean; onClose: () => void }) {
  const { t, language } = useLanguage();
  const rates = vatRatesFor(invoice);
  const [description, setDescription] = useState("");
  const [quantity, setQuantity] = useState<string | number>(1);
  const [unitPrice, setUnitPrice] = useState<string | number>("");
  const [vatRate, setVatRate] = useState<string | null>(rates[0] ?? null);
  const addLine = useAddLine(invoice.id);
  const decimal = language === "nl" ? "," : ".";

  function close() {
    addLine.reset();
    setDescription("");
    setQuantity(1);
    setUnitPrice("");
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    addLine.mutate(
      { description, quantity: decimalText(quantity), unit_price: decimalText(unitPrice), vat_rate: vatRate },
      {
        onSuccess: (updated) => {
          notifications.show({
            color: "green",
            message: t("invoices.line.added", { total: formatMoney(updated.total, language) }),
          });
          close();
        },
      },
    );
  }

  return (
    <Modal opened={opened} onClose={close} title={t("invoices.line.title", { name: invoiceName(invoice, t) })}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            {invoice.client.legal_name}
          </Text>
          <TextInput
            label={t("invoices.line.description")}
            required
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            error={fieldError(addLine.error, "description")}
            maxLength={300}
          />
          <Group grow align="flex-start">
            <NumberInput
              label={t("invoices.line.quantity")}
              required
              value={quantity}
              onChange={setQuantity}
              decimalScale={2}
              decimalSeparator={decimal}
              allowNegative={false}
              error={fieldError(addLine.error, "quantity")}
            />
            <NumberInput
              label={t("invoices.line.unitPrice")}
              required
              value={unitPrice}
              onChange={setUnitPrice}
              decimalScale={2}
              decimalSeparator={decimal}
              prefix="€ "
              error={fieldError(addLine.error, "unit_price")}
            />
          </Group>
          <Select
            label={t("invoices.line.vatRate")}
            data={rates.map((rate) => ({ value: rate, label: `${rate.replace(/\.00$/, "")}%` }))}
            value={vatRate}
            onChange={setVatRate}
            allowDeselect={false}
            description={rates.length === 1 ? t("invoices.line.vatFixed") : undefined}
            error={fieldError(addLine.error, "vat_rate")}
          />
          <ErrorAlert error={addLine.error} shown={FIELDS} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("invoices.cancel")}
            </Button>
            <Button type="submit" loading={addLine.isPending}>
              {t("invoices.line.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
