// Finance's monthly invoice run: choose a month, start a run (approved hours up to its end become one draft
// per client), review the month's drafts, add manual lines, then finalise the selected drafts (all or none).
import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  Pagination,
  Paper,
  Progress,
  ScrollArea,
  Stack,
  Stepper,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { MonthPickerInput } from "@mantine/dates";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { Link } from "react-router-dom";

import { useLanguage } from "../../i18n";
import { formatMoney, formatMonth } from "../../lib/format";
import { AddLineModal } from "./AddLineModal";
import { useFinalize, useInvoices, useStartRun, type Invoice, type InvoiceRun } from "./api";
import { ErrorAlert, fieldError, invoiceName, todayIso } from "./shared";

const DRAFTS_PAGE = 100;

/** The first day of last month (what a run usually invoices), 2026-02-01. */
export function lastMonth(today: string = todayIso()): string {
  const [y, m] = today.split("-").map(Number) as [number, number];
  const year = m === 1 ? y - 1 : y;
  const month = m === 1 ? 12 : m - 1;
  return `${year}-${String(month).padStart(2, "0")}-01`;
}

export function InvoiceRunPage() {
  const { t, language } = useLanguage();
  const [month, setMonth] = useState<string | null>(() => lastMonth());
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<number[]>([]);
  const [lastRun, setLastRun] = useState<InvoiceRun | null>(null);
  const [addingTo, setAddingTo] = useState<Invoice | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [finalised, setFinalised] = useState<Invoice[] | null>(null);
  const period = month ? month.slice(0, 7) : null;

  const drafts = useInvoices({ status: "draft", period: `${period}-01`, page, page_size: DRAFTS_PAGE }, !!period);
  const startRun = useStartRun();
  const finalize = useFinalize();
  const rows = drafts.data?.results ?? [];
  const pages = Math.max(1, Math.ceil((drafts.data?.count ?? 0) / DRAFTS_PAGE));
  const chosen = selected.filter((id) => rows.some((row) => row.id === id));
  const allChosen = rows.length > 0 && chosen.length === rows.length;

  function chooseMonth(value: string | null) {
    setMonth(value);
    setPage(1);
    setSelected([]);
    setLastRun(null);
    setFinalised(null);
    startRun.reset();
    finalize.reset();
  }

  function start() {
    if (!period) return;
    setFinalised(null);
    finalize.reset();
    startRun.mutate(period, {
      onSuccess: (run) => {
        setLastRun(run);
        setSelected([]);
      },
    });
  }

  function finaliseChosen() {
    finalize.mutate(chosen, {
      onSuccess: (done) => {
        setConfirming(false);
        setSelected([]);
        setFinalised(done);
        notifications.show({ color: "green", message: t("invoices.run.finalised", { count: done.length }) });
      },
      onError: () => setConfirming(false),
    });
  }

  function toggle(id: number, checked: boolean) {
    setSelected((current) => (checked ? [...current.filter((item) => item !== id), id] : current.filter((item) => item !== id)));
  }

  const step = rows.length > 0 ? 1 : finalised ? 3 : 0;
  const monthName = formatMonth(period, language);

  return (
    <Stack>
      <Title order={2}>{t("invoices.run.title")}</Title>
      <Stepper active={step} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label={t("invoices.run.step1")} description={t("invoices.run.step1Hint")} />
        <Stepper.Step label={t("invoices.run.step2")} description={t("invoices.run.step2Hint")} />
        <Stepper.Step label={t("invoices.run.step3")} description={t("invoices.run.step3Hint")} />
      </Stepper>

      <Paper withBorder p="md">
        <Group align="flex-end">
          <MonthPickerInput
            label={t("invoices.run.month")}
            value={month}
            onChange={chooseMonth}
            maxDate={todayIso()}
            w={180}
            disabled={startRun.isPending}
            error={fieldError(startRun.error, "period")}
          />
          <Button onClick={start} loading={startRun.isPending} disabled={!period}>
            {t("invoices.run.start")}
          </Button>
        </Group>
        <Text size="sm" c="dimmed" mt="xs">
          {t("invoices.run.explain")}
        </Text>
        {startRun.isPending && (
          <Stack gap={4} mt="sm">
            <Text size="sm">{t("invoices.run.running", { month: monthName })}</Text>
            <Progress value={100} animated striped aria-label={t("invoices.run.running", { month: monthName })} />
          </Stack>
        )}
        {startRun.error && (
          <Stack mt="sm">
            <ErrorAlert error={startRun.error} shown={["period"]} />
          </Stack>
        )}
        {lastRun && (
          <Alert mt="sm" color={lastRun.invoice_count ? "green" : "gray"}>
            {lastRun.invoice_count
              ? t("invoices.run.done", {
                  month: formatMonth(lastRun.period, language),
                  invoices: lastRun.invoice_count,
                  lines: lastRun.line_count ?? 0,
                  timesheets: lastRun.timesheet_count ?? 0,
                })
              : t("invoices.run.nothing", { month: formatMonth(lastRun.period, language) })}
          </Alert>
        )}
      </Paper>

      {finalised && finalised.length > 0 && (
        <Alert color="green" title={t("invoices.run.finalised", { count: finalised.length })}>
          {finalised.map((invoice) => invoiceName(invoice, t)).join(", ")}.{" "}
          <Anchor component={Link} to="/invoices?status=finalised">
            {t("invoices.run.toList")}
          </Anchor>
        </Alert>
      )}

      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm">
          <Title order={4}>{t("invoices.run.drafts", { month: monthName })}</Title>
          <Button
            color="teal"
            disabled={chosen.length === 0}
            loading={finalize.isPending}
            onClick={() => setConfirming(true)}
          >
            {t("invoices.run.finaliseSelected", { count: chosen.length })}
          </Button>
        </Group>
        <Stack>
          <ErrorAlert error={drafts.error} />
          <ErrorAlert error={finalize.error} />
          {finalize.isPending && <Progress value={100} animated striped aria-label={t("invoices.run.finalising")} />}
          {drafts.isPending && period && <Loader aria-label={t("invoices.loading")} />}
          {drafts.data && rows.length === 0 && (
            <Text c="dimmed">{t(finalised ? "invoices.run.allFinalised" : "invoices.run.empty", { month: monthName })}</Text>
          )}
          {rows.length > 0 && (
            <ScrollArea>
              <Table striped highlightOnHover opacity={drafts.isPlaceholderData ? 0.6 : 1}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={40}>
                      <Checkbox
                        aria-label={t("invoices.run.selectAll")}
                        checked={allChosen}
                        indeterminate={chosen.length > 0 && !allChosen}
                        onChange={(event) => setSelected(event.currentTarget.checked ? rows.map((row) => row.id) : [])}
                      />
                    </Table.Th>
                    <Table.Th>{t("invoices.columns.client")}</Table.Th>
                    <Table.Th ta="right">{t("invoices.columns.lines")}</Table.Th>
                    <Table.Th ta="right">{t("invoices.columns.net")}</Table.Th>
                    <Table.Th ta="right">{t("invoices.columns.vat")}</Table.Th>
                    <Table.Th ta="right">{t("invoices.columns.total")}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((invoice) => (
                    <Table.Tr key={invoice.id} data-testid={`draft-${invoice.id}`}>
                      <Table.Td>
                        <Checkbox
                          aria-label={t("invoices.run.select", { client: invoice.client.legal_name })}
                          checked={chosen.includes(invoice.id)}
                          onChange={(event) => toggle(invoice.id, event.currentTarget.checked)}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/invoices/${invoice.id}`}>
                          {invoice.client.legal_name}
                        </Anchor>
                        {invoice.kind === "internal" && (
                          <Text size="xs" c="dimmed">
                            {t("invoices.kind.internal")}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{invoice.lines.length}</Table.Td>
                      <Table.Td ta="right">{formatMoney(invoice.net_total, language)}</Table.Td>
                      <Table.Td ta="right">{formatMoney(invoice.vat_total, language)}</Table.Td>
                      <Table.Td ta="right" fw={600}>
                        {formatMoney(invoice.total, language)}
                      </Table.Td>
                      <Table.Td ta="right">
                        <Button
                          size="xs"
                          variant="light"
                          onClick={() => setAddingTo(invoice)}
                          aria-label={t("invoices.line.addTo", { client: invoice.client.legal_name })}
                        >
                          {t("invoices.line.add")}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          )}
          {pages > 1 && <Pagination value={page} onChange={setPage} total={pages} />}
        </Stack>
      </Paper>

      {addingTo && <AddLineModal invoice={addingTo} opened onClose={() => setAddingTo(null)} />}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t("invoices.run.confirmTitle", { count: chosen.length })}>
        <Stack>
          <Text>{t("invoices.run.confirmText")}</Text>
          {finalize.isPending && (
            <Stack gap={4}>
              <Text size="sm">{t("invoices.run.finalising")}</Text>
              <Progress value={100} animated striped />
            </Stack>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} disabled={finalize.isPending}>
              {t("invoices.cancel")}
            </Button>
            <Button color="teal" onClick={finaliseChosen} loading={finalize.isPending}>
              {t("invoices.run.confirm", { count: chosen.length })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
