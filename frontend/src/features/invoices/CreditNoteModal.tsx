// Finance credits a finalised invoice: in full (optionally releasing its hours for re-invoicing) or chosen
// lines with a quantity each. The credit note is numbered at once; the server computes its amounts.
import { Button, Checkbox, Group, Modal, NumberInput, SegmentedControl, Stack, Table, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";

import { useLanguage } from "../../i18n";
import { formatHours, formatMoney } from "../../lib/format";
import { useCreditNote, type Invoice } from "./api";
import { decimalText, ErrorAlert, fieldError, invoiceName } from "./shared";

type Scope = "whole" | "lines";

export function CreditNoteModal({ invoice, opened, onClose }: { invoice: Invoice; opened: boolean; onClose: () => void }) {
  const { t, language } = useLanguage();
  const [reason, setReason] = useState("");
  const [scope, setScope] = useState<Scope>("whole");
  const [releaseHours, setReleaseHours] = useState(false);
  const [chosen, setChosen] = useState<Record<number, boolean>>({});
  const [quantities, setQuantities] = useState<Record<number, string | number>>(() =>
    Object.fromEntries(invoice.lines.map((line) => [line.id, line.quantity])),
  );
  const credit = useCreditNote(invoice.id);
  const hasHours = invoice.lines.some((line) => line.kind === "hours");
  const chosenLines = invoice.lines.filter((line) => chosen[line.id]);

  function close() {
    credit.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    credit.mutate(
      {
        reason,
        lines:
          scope === "whole"
            ? null
            : chosenLines.map((line) => ({ line_id: line.id, quantity: decimalText(quantities[line.id] ?? "") })),
        release_hours: scope === "whole" && releaseHours,
      },
      {
        onSuccess: (note) => {
          notifications.show({
            color: "green",
            message: t("invoices.credit.made", { number: note.number ?? "", total: formatMoney(note.total, language) }),
          });
          close();
        },
      },
    );
  }

  // Per-line messages come as lines.<index>.<field>, the index into what was sent (the chosen lines).
  const lineError = (lineId: number, field: string) => {
    const index = chosenLines.findIndex((line) => line.id === lineId);
    return index < 0 ? undefined : fieldError(credit.error, `lines.${index}.${field}`);
  };
  const shown = [
    "reason",
    ...(scope === "whole" && hasHours ? ["release_hours"] : []),
    ...(scope === "lines" ? ["lines", ...chosenLines.flatMap((_, i) => [`lines.${i}.quantity`, `lines.${i}.line_id`])] : []),
  ];

  return (
    <Modal
      opened={opened}
      onClose={close}
      size={scope === "lines" ? "xl" : "md"}
      title={t("invoices.credit.title", { name: invoiceName(invoice, t) })}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            {invoice.client.legal_name} · {formatMoney(invoice.total, language)}
          </Text>
          <Textarea
            label={t("invoices.credit.reason")}
            description={t("invoices.credit.reasonHint")}
            required
            rows={3}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={fieldError(credit.error, "reason")}
          />
          <SegmentedControl
            value={scope}
            onChange={(value) => setScope(value === "lines" ? "lines" : "whole")}
            data={[
              { value: "whole", label: t("invoices.credit.whole") },
              { value: "lines", label: t("invoices.credit.someLines") },
            ]}
          />
          {scope === "whole" && hasHours && (
            <Checkbox
              label={t("invoices.credit.releaseHours")}
              description={t("invoices.credit.releaseHint")}
              checked={releaseHours}
              onChange={(event) => setReleaseHours(event.currentTarget.checked)}
              error={fieldError(credit.error, "release_hours")}
            />
          )}
          {scope === "lines" && (
            <>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th />
                    <Table.Th>{t("invoices.line.description")}</Table.Th>
                    <Table.Th ta="right">{t("invoices.line.quantity")}</Table.Th>
                    <Table.Th ta="right">{t("invoices.line.unitPrice")}</Table.Th>
                    <Table.Th>{t("invoices.credit.quantity")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {invoice.lines.map((line) => (
                    <Table.Tr key={line.id}>
                      <Table.Td>
                        <Checkbox
                          aria-label={t("invoices.credit.chooseLine", { description: line.description })}
                          checked={!!chosen[line.id]}
                          onChange={(event) => {
                            const checked = event.currentTarget.checked;
                            setChosen((current) => ({ ...current, [line.id]: checked }));
                          }}
                          error={lineError(line.id, "line_id")}
                        />
                      </Table.Td>
                      <Table.Td>{line.description}</Table.Td>
                      <Table.Td ta="right">{formatHours(line.quantity, language)}</Table.Td>
                      <Table.Td ta="right">{formatMoney(line.unit_price, language)}</Table.Td>
                      <Table.Td>
                        <NumberInput
                          aria-label={t("invoices.credit.quantityOf", { description: line.description })}
                          disabled={!chosen[line.id]}
                          value={quantities[line.id] ?? ""}
                          onChange={(value) => setQuantities((current) => ({ ...current, [line.id]: value }))}
                          decimalScale={2}
                          decimalSeparator={language === "nl" ? "," : "."}
                          allowNegative={false}
                          w={110}
                          error={lineError(line.id, "quantity")}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {fieldError(credit.error, "lines") && (
                <Text c="red" size="sm">
                  {fieldError(credit.error, "lines")}
                </Text>
              )}
            </>
          )}
          <ErrorAlert error={credit.error} shown={shown} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("invoices.cancel")}
            </Button>
            <Button type="submit" color="red" loading={credit.isPending} disabled={scope === "lines" && chosenLines.length === 0}>
              {t("invoices.credit.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
