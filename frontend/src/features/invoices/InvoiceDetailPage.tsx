// One invoice: its lines, VAT per rate and totals (as the server computed them), what is owed and paid, the
// ledger rows; a draft's lines are edited and it is finalised or deleted here; a finalised one has the list's actions.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  ScrollArea,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";

import type { Me } from "../../api/client";
import { useLanguage } from "../../i18n";
import { formatDate, formatHours, formatMoney } from "../../lib/format";
import { hasRole } from "../auth/api";
import { AddLineModal } from "./AddLineModal";
import { useDeleteDraft, useFinalize, useInvoice, useInvoicePayments, useRemoveLine, type Invoice } from "./api";
import { InvoiceActions } from "./InvoiceActions";
import { ErrorAlert, invoiceName, PaymentBadge, StatusBadge } from "./shared";

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text>{children}</Text>
    </div>
  );
}

function period(invoice: Invoice, language: "en" | "nl"): string {
  if (!invoice.period_start) return "–";
  return `${formatDate(invoice.period_start, language)} – ${formatDate(invoice.period_end, language)}`;
}

export function InvoiceDetailPage({ me }: { me: Me }) {
  const { id } = useParams();
  const invoiceId = Number(id);
  const { t } = useLanguage();
  if (!Number.isInteger(invoiceId) || invoiceId <= 0) return <Alert color="red">{t("invoices.detail.notFound")}</Alert>;
  return <InvoiceDetail me={me} invoiceId={invoiceId} />;
}

function InvoiceDetail({ me, invoiceId }: { me: Me; invoiceId: number }) {
  const { t, language } = useLanguage();
  const navigate = useNavigate();
  const finance = hasRole(me, "finance");
  const query = useInvoice(invoiceId);
  const invoice = query.data;
  const payments = useInvoicePayments(invoiceId, !!invoice && invoice.status === "finalised");
  const removeLine = useRemoveLine(invoiceId);
  const finalize = useFinalize();
  const deleteDraft = useDeleteDraft();
  const [adding, setAdding] = useState(false);
  const [confirm, setConfirm] = useState<"finalise" | "delete" | null>(null);

  if (query.isPending) return <Loader aria-label={t("invoices.loading")} />;
  if (!invoice) return <ErrorAlert error={query.error} />;

  const draft = invoice.status === "draft";
  const editable = draft && finance && invoice.kind !== "credit_note";
  const name = invoiceName(invoice, t);

  return (
    <Stack>
      <Anchor component={Link} to={draft ? "/invoices/run" : "/invoices"} size="sm">
        ← {draft ? t("invoices.run.title") : t("invoices.list.title")}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Group gap="xs">
          <Title order={2}>{name}</Title>
          <Badge variant="outline">{t(`invoices.kind.${invoice.kind}`)}</Badge>
          <StatusBadge invoice={invoice} />
          <PaymentBadge invoice={invoice} />
        </Group>
        {draft && finance ? (
          <Group gap="xs">
            {editable && (
              <Button variant="light" onClick={() => setAdding(true)}>
                {t("invoices.line.add")}
              </Button>
            )}
            <Button color="teal" onClick={() => setConfirm("finalise")}>
              {t("invoices.detail.finalise")}
            </Button>
            <Button color="red" variant="subtle" onClick={() => setConfirm("delete")}>
              {t("invoices.detail.delete")}
            </Button>
          </Group>
        ) : (
          <InvoiceActions me={me} invoice={invoice} size="sm" />
        )}
      </Group>

      <ErrorAlert error={removeLine.error} />

      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Field label={t("invoices.columns.client")}>{invoice.client.legal_name}</Field>
          <Field label={t("invoices.detail.period")}>{period(invoice, language)}</Field>
          <Field label={t("invoices.columns.issueDate")}>{formatDate(invoice.issue_date, language)}</Field>
          <Field label={t("invoices.columns.dueDate")}>{formatDate(invoice.due_date, language)}</Field>
          <Field label={t("invoices.detail.vatTreatment")}>{t(`invoices.vatTreatment.${invoice.vat_treatment}`)}</Field>
          {invoice.credited_invoice && (
            <Field label={t("invoices.detail.credits")}>
              <Anchor component={Link} to={`/invoices/${invoice.credited_invoice.id}`}>
                {invoice.credited_invoice.number}
              </Anchor>
            </Field>
          )}
          {invoice.reason && <Field label={t("invoices.credit.reason")}>{invoice.reason}</Field>}
          {invoice.notes && <Field label={t("invoices.detail.notes")}>{invoice.notes}</Field>}
        </SimpleGrid>
      </Paper>

      <Paper withBorder p="md">
        <Title order={4} mb="sm">
          {t("invoices.detail.lines")}
        </Title>
        {invoice.lines.length === 0 ? (
          <Text c="dimmed">{editable ? t("invoices.detail.noLinesDraft") : t("invoices.detail.noLines")}</Text>
        ) : (
          <ScrollArea>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("invoices.line.description")}</Table.Th>
                  <Table.Th>{t("invoices.detail.period")}</Table.Th>
                  <Table.Th ta="right">{t("invoices.line.quantity")}</Table.Th>
                  <Table.Th ta="right">{t("invoices.line.unitPrice")}</Table.Th>
                  <Table.Th ta="right">{t("invoices.line.vatRate")}</Table.Th>
                  <Table.Th ta="right">{t("invoices.detail.amount")}</Table.Th>
                  {editable && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invoice.lines.map((line) => (
                  <Table.Tr key={line.id}>
                    <Table.Td>
                      {line.description}
                      {line.kind === "manual" && (
                        <Badge size="xs" variant="light" ml={6}>
                          {t("invoices.detail.manual")}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {line.period_start ? `${formatDate(line.period_start, language)} – ${formatDate(line.period_end, language)}` : "–"}
                    </Table.Td>
                    <Table.Td ta="right">{formatHours(line.quantity, language)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(line.unit_price, language)}</Table.Td>
                    <Table.Td ta="right">{line.vat_rate.replace(/\.00$/, "")}%</Table.Td>
                    <Table.Td ta="right">{formatMoney(line.amount, language)}</Table.Td>
                    {editable && (
                      <Table.Td ta="right">
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          loading={removeLine.isPending && removeLine.variables === line.id}
                          onClick={() => removeLine.mutate(line.id)}
                          title={line.kind === "hours" ? t("invoices.detail.removeHoursHint") : undefined}
                        >
                          {t("invoices.detail.remove")}
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
        <Stack gap={2} mt="md" align="flex-end">
          <Text>
            {t("invoices.columns.net")}: {formatMoney(invoice.net_total, language)}
          </Text>
          {invoice.vat_breakdown.map((group) => (
            <Text key={group.rate} size="sm" c="dimmed">
              {t("invoices.detail.vatAt", { rate: group.rate.replace(/\.00$/, ""), net: formatMoney(group.net, language) })}:{" "}
              {formatMoney(group.vat, language)}
            </Text>
          ))}
          <Text>
            {t("invoices.columns.vat")}: {formatMoney(invoice.vat_total, language)}
          </Text>
          <Text fw={700} size="lg">
            {t("invoices.columns.total")}: {formatMoney(invoice.total, language)}
          </Text>
        </Stack>
      </Paper>

      {invoice.payment && (
        <Paper withBorder p="md">
          <Title order={4} mb="sm">
            {t("invoices.detail.payments")}
          </Title>
          <SimpleGrid cols={{ base: 2, md: 4 }} mb="sm">
            <Field label={t("invoices.detail.amountDue")}>{formatMoney(invoice.payment.amount_due, language)}</Field>
            <Field label={t("invoices.detail.amountPaid")}>{formatMoney(invoice.payment.amount_paid, language)}</Field>
            <Field label={t("invoices.pay.outstanding")}>{formatMoney(invoice.payment.outstanding, language)}</Field>
            <Field label={t("invoices.detail.paidOn")}>{formatDate(invoice.payment.paid_on, language)}</Field>
          </SimpleGrid>
          <ErrorAlert error={payments.error} />
          {payments.data && payments.data.length === 0 && <Text c="dimmed">{t("invoices.detail.noPayments")}</Text>}
          {payments.data && payments.data.length > 0 && (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("invoices.pay.date")}</Table.Th>
                  <Table.Th>{t("invoices.detail.method")}</Table.Th>
                  <Table.Th>{t("invoices.pay.reference")}</Table.Th>
                  <Table.Th ta="right">{t("invoices.pay.amount")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {payments.data.map((row) => (
                  <Table.Tr key={row.id}>
                    <Table.Td>{formatDate(row.date, language)}</Table.Td>
                    <Table.Td>
                      {t(`invoices.method.${row.method}`)}
                      {row.kind !== "payment" && ` (${t(`invoices.paymentKind.${row.kind}`)})`}
                    </Table.Td>
                    <Table.Td>{row.reference || "–"}</Table.Td>
                    <Table.Td ta="right">{formatMoney(row.amount, language)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      )}

      {adding && <AddLineModal invoice={invoice} opened onClose={() => setAdding(false)} />}
      <Modal
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm === "delete" ? t("invoices.detail.deleteTitle", { name }) : t("invoices.run.confirmTitle", { count: 1 })}
      >
        <Stack>
          <Text>{confirm === "delete" ? t("invoices.detail.deleteText") : t("invoices.run.confirmText")}</Text>
          <ErrorAlert error={confirm === "delete" ? deleteDraft.error : finalize.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              {t("invoices.cancel")}
            </Button>
            {confirm === "delete" ? (
              <Button
                color="red"
                loading={deleteDraft.isPending}
                onClick={() =>
                  deleteDraft.mutate(invoice.id, {
                    onSuccess: () => {
                      notifications.show({ color: "green", message: t("invoices.detail.deleted", { name }) });
                      navigate("/invoices/run");
                    },
                  })
                }
              >
                {t("invoices.detail.delete")}
              </Button>
            ) : (
              <Button
                color="teal"
                loading={finalize.isPending}
                onClick={() =>
                  finalize.mutate([invoice.id], {
                    onSuccess: () => {
                      setConfirm(null);
                      notifications.show({ color: "green", message: t("invoices.run.finalised", { count: 1 }) });
                    },
                  })
                }
              >
                {t("invoices.run.confirm", { count: 1 })}
              </Button>
            )}
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
