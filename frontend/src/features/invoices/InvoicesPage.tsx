// Invoices with their status and payment status, filtered and paged (filters live in the address).
// Finance sees drafts too and may record a bank payment or credit an invoice; approvers see their clients'
// finalised invoices, download the PDF and pay online when Stripe is on.
import { Alert, Anchor, Badge, Button, Group, Loader, Pagination, Paper, ScrollArea, Select, Stack, Table, Text, Title } from "@mantine/core";
import { Link, useSearchParams } from "react-router-dom";

import type { Me } from "../../api/client";
import { useLanguage } from "../../i18n";
import { formatDate, formatMoney } from "../../lib/format";
import { hasRole } from "../auth/api";
import { PAGE_SIZE, useInvoices, type InvoiceKind, type InvoiceQuery, type InvoiceStatus, type PaymentStatus } from "./api";
import { InvoiceActions } from "./InvoiceActions";
import { ErrorAlert, invoiceName, PaymentBadge, StatusBadge } from "./shared";

const STATUSES: InvoiceStatus[] = ["draft", "finalised"];
const PAYMENT_STATUSES: PaymentStatus[] = ["open", "partially_paid", "overdue", "paid"];
const KINDS: InvoiceKind[] = ["invoice", "internal", "credit_note"];

function pick<T extends string>(value: string | null, allowed: T[]): T | undefined {
  return allowed.find((item) => item === value);
}

export function InvoicesPage({ me }: { me: Me }) {
  const { t, language } = useLanguage();
  const finance = hasRole(me, "finance");
  const [params, setParams] = useSearchParams();
  const status = pick(params.get("status"), STATUSES);
  const paymentStatus = pick(params.get("payment_status"), PAYMENT_STATUSES);
  const kind = pick(params.get("kind"), KINDS);
  const page = Math.max(1, Number(params.get("page")) || 1);
  const query: InvoiceQuery = {
    ...(status ? { status } : {}),
    ...(paymentStatus ? { payment_status: paymentStatus } : {}),
    ...(kind ? { kind } : {}),
    page,
  };
  const invoices = useInvoices(query);
  const rows = invoices.data?.results ?? [];
  const pages = Math.max(1, Math.ceil((invoices.data?.count ?? 0) / PAGE_SIZE));

  function setFilter(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete("page");
    setParams(next);
  }

  function setPage(value: number) {
    const next = new URLSearchParams(params);
    next.set("page", String(value));
    setParams(next);
  }

  const filtered = !!(status || paymentStatus || kind);
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("invoices.list.title")}</Title>
        <Group align="flex-end">
          {finance && (
            <Select
              label={t("invoices.list.status")}
              placeholder={t("invoices.list.any")}
              clearable
              value={status ?? null}
              onChange={(value) => setFilter("status", value)}
              data={STATUSES.map((value) => ({ value, label: t(`invoices.status.${value}`) }))}
              w={150}
            />
          )}
          <Select
            label={t("invoices.list.paymentStatus")}
            placeholder={t("invoices.list.any")}
            clearable
            value={paymentStatus ?? null}
            onChange={(value) => setFilter("payment_status", value)}
            data={PAYMENT_STATUSES.map((value) => ({ value, label: t(`invoices.payment.${value}`) }))}
            w={170}
          />
          <Select
            label={t("invoices.list.kind")}
            placeholder={t("invoices.list.any")}
            clearable
            value={kind ?? null}
            onChange={(value) => setFilter("kind", value)}
            data={KINDS.map((value) => ({ value, label: t(`invoices.kind.${value}`) }))}
            w={200}
          />
          {finance && (
            <Button component={Link} to="/invoices/run" variant="light">
              {t("invoices.run.nav")}
            </Button>
          )}
        </Group>
      </Group>
      <ErrorAlert error={invoices.error} />
      {invoices.isPending && <Loader aria-label={t("invoices.loading")} />}
      {invoices.data && rows.length === 0 && (
        <Alert color="gray">
          {filtered ? t("invoices.list.noneFiltered") : finance ? t("invoices.list.emptyFinance") : t("invoices.list.emptyApprover")}
          {finance && !filtered && (
            <Anchor component={Link} to="/invoices/run" ml="xs">
              {t("invoices.run.nav")}
            </Anchor>
          )}
        </Alert>
      )}
      {rows.length > 0 && (
        <Paper withBorder>
          <ScrollArea>
            <Table striped highlightOnHover opacity={invoices.isPlaceholderData ? 0.6 : 1}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("invoices.columns.number")}</Table.Th>
                  <Table.Th>{t("invoices.columns.client")}</Table.Th>
                  <Table.Th>{t("invoices.columns.issueDate")}</Table.Th>
                  <Table.Th>{t("invoices.columns.dueDate")}</Table.Th>
                  <Table.Th ta="right">{t("invoices.columns.total")}</Table.Th>
                  <Table.Th>{t("invoices.columns.status")}</Table.Th>
                  <Table.Th>{t("invoices.columns.payment")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((invoice) => (
                  <Table.Tr key={invoice.id} data-testid={`invoice-${invoice.id}`}>
                    <Table.Td>
                      <Anchor component={Link} to={`/invoices/${invoice.id}`}>
                        {invoiceName(invoice, t)}
                      </Anchor>
                      {invoice.kind !== "invoice" && (
                        <Badge size="xs" variant="outline" ml={6}>
                          {t(`invoices.kind.${invoice.kind}`)}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{invoice.client.legal_name}</Table.Td>
                    <Table.Td>{formatDate(invoice.issue_date, language)}</Table.Td>
                    <Table.Td>{formatDate(invoice.due_date, language)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(invoice.total, language)}</Table.Td>
                    <Table.Td>
                      <StatusBadge invoice={invoice} />
                    </Table.Td>
                    <Table.Td>
                      <PaymentBadge invoice={invoice} />
                    </Table.Td>
                    <Table.Td>
                      <InvoiceActions me={me} invoice={invoice} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
      )}
      {pages > 1 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {t("invoices.list.count", { count: invoices.data?.count ?? 0 })}
          </Text>
          <Pagination value={page} onChange={setPage} total={pages} />
        </Group>
      )}
    </Stack>
  );
}
