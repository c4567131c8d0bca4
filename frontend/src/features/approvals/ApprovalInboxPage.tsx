// The approver's inbox: submitted timesheets with their hours per day; approve several at once, approve
// one, or reject one with a reason. Cards on a phone, one table from `sm` up.
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  Group,
  Loader,
  Modal,
  Pagination,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
  useMantineTheme,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";

import { ApiFailure } from "../../api/client";
import { useLanguage } from "../../i18n";
import { formatDate, formatHours } from "../../lib/format";
import {
  INBOX_PAGE_SIZE,
  clientName,
  secretaryName,
  useApprovalInbox,
  useApprove,
  useBulkApprove,
  useReject,
  type Timesheet,
} from "./api";

type T = ReturnType<typeof useLanguage>["t"];
type Language = ReturnType<typeof useLanguage>["language"];

function periodText(sheet: Timesheet, t: T, language: Language): string {
  return t("approvals.periodRange", { start: formatDate(sheet.period_start, language), end: formatDate(sheet.period_end, language) });
}

/** The messages the API gives for `field` (one per sheet for bulk approval), or its message. */
function failureText(error: Error, field?: string): string {
  const messages = field && error instanceof ApiFailure ? error.fields[field] : undefined;
  return messages && messages.length > 0 ? messages.join(" ") : error.message;
}

function Entries({ sheet }: { sheet: Timesheet }) {
  const { t, language } = useLanguage();
  if (sheet.entries.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t("approvals.noEntries")}
      </Text>
    );
  }
  return (
    <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing="xs" fz="sm" layout="fixed" aria-label={t("approvals.entries")}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={105}>{t("approvals.date")}</Table.Th>
          <Table.Th w={60} ta="right">
            {t("approvals.hours")}
          </Table.Th>
          <Table.Th>{t("approvals.description")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sheet.entries.map((entry) => (
          <Table.Tr key={entry.id} style={{ verticalAlign: "top" }}>
            <Table.Td style={{ whiteSpace: "nowrap" }}>{formatDate(entry.date, language)}</Table.Td>
            <Table.Td ta="right" style={{ whiteSpace: "nowrap" }}>
              {formatHours(entry.hours, language)}
            </Table.Td>
            <Table.Td c="dimmed">{entry.description}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

interface SheetProps {
  sheet: Timesheet;
  selected: boolean;
  onSelect: (selected: boolean) => void;
  onApprove: () => void;
  approving: boolean;
  onReject: () => void;
  busy: boolean;
}

function SelectBox({ sheet, selected, onSelect, busy }: Pick<SheetProps, "sheet" | "selected" | "onSelect" | "busy">) {
  const { t, language } = useLanguage();
  return (
    <Checkbox
      aria-label={t("approvals.selectSheet", { name: secretaryName(sheet), period: periodText(sheet, t, language) })}
      checked={selected}
      disabled={busy}
      onChange={(event) => onSelect(event.currentTarget.checked)}
    />
  );
}

function SheetActions({ onApprove, approving, onReject, busy, grow }: Pick<SheetProps, "onApprove" | "approving" | "onReject" | "busy"> & { grow?: boolean }) {
  const { t } = useLanguage();
  return (
    <Group gap="xs" grow={grow} wrap="nowrap">
      <Button size="xs" color="green" variant="light" onClick={onApprove} loading={approving} disabled={busy && !approving}>
        {t("approvals.approve")}
      </Button>
      <Button size="xs" color="red" variant="light" onClick={onReject} disabled={busy}>
        {t("approvals.reject")}
      </Button>
    </Group>
  );
}

function Submitted({ sheet }: { sheet: Timesheet }) {
  const { t, language } = useLanguage();
  if (!sheet.submitted_at) return null;
  return (
    <Text size="xs" c="dimmed">
      {t("approvals.submittedOn", { date: formatDate(sheet.submitted_at.slice(0, 10), language), by: sheet.submitted_by ?? "–" })}
    </Text>
  );
}

function SheetCard(props: SheetProps) {
  const { sheet } = props;
  const { t, language } = useLanguage();
  return (
    <Card withBorder padding="sm" data-testid={`sheet-${sheet.id}`}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Group gap="sm" align="flex-start" wrap="nowrap">
            <SelectBox {...props} />
            <div>
              <Text fw={600}>{secretaryName(sheet)}</Text>
              <Text size="sm" c="dimmed">
                {clientName(sheet)} · {t("approvals.placementId", { id: sheet.placement_id })}
              </Text>
              <Text size="sm">{periodText(sheet, t, language)}</Text>
            </div>
          </Group>
          <Badge variant="light" size="lg" tt="none" style={{ flexShrink: 0 }}>
            {t("approvals.hoursValue", { hours: formatHours(sheet.total_hours, language) })}
          </Badge>
        </Group>
        <Entries sheet={sheet} />
        <Submitted sheet={sheet} />
        <SheetActions {...props} grow />
      </Stack>
    </Card>
  );
}

function SheetTable({ rows }: { rows: SheetProps[] }) {
  const { t, language } = useLanguage();
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table verticalSpacing="sm" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40} />
            <Table.Th>{t("approvals.secretary")}</Table.Th>
            <Table.Th>{t("approvals.placement")}</Table.Th>
            <Table.Th>{t("approvals.period")}</Table.Th>
            <Table.Th>{t("approvals.entries")}</Table.Th>
            <Table.Th ta="right">{t("approvals.total")}</Table.Th>
            <Table.Th>{t("approvals.actions")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.sheet.id} data-testid={`sheet-${row.sheet.id}`} style={{ verticalAlign: "top" }}>
              <Table.Td>
                <SelectBox {...row} />
              </Table.Td>
              <Table.Td>
                <Text fw={600}>{secretaryName(row.sheet)}</Text>
                <Submitted sheet={row.sheet} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{clientName(row.sheet)}</Text>
                <Text size="xs" c="dimmed">
                  {t("approvals.placementId", { id: row.sheet.placement_id })}
                </Text>
              </Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>{periodText(row.sheet, t, language)}</Table.Td>
              <Table.Td>
                <Entries sheet={row.sheet} />
              </Table.Td>
              <Table.Td ta="right" fw={700} style={{ whiteSpace: "nowrap" }}>
                {formatHours(row.sheet.total_hours, language)}
              </Table.Td>
              <Table.Td>
                <SheetActions {...row} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RejectModal({ sheet, opened, onClose }: { sheet: Timesheet | null; opened: boolean; onClose: () => void }) {
  const { t, language } = useLanguage();
  const reject = useReject();
  const [reason, setReason] = useState("");
  const failure = reject.error;
  const fields = failure instanceof ApiFailure ? failure.fields : {};
  const reasonError = fields.reason?.join(" ");

  useEffect(() => {
    if (opened) {
      setReason("");
      reject.reset();
    }
    // reset when the modal opens for a sheet, not whenever the mutation's state changes
  }, [opened, sheet?.id]);

  const submit = () => {
    if (!sheet) return;
    reject.mutate(
      { id: sheet.id, reason },
      {
        onSuccess: () => {
          notifications.show({
            color: "orange",
            title: t("approvals.rejected"),
            message: t("approvals.rejectedText", { name: secretaryName(sheet), period: periodText(sheet, t, language) }),
          });
          onClose();
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t("approvals.rejectTitle")} centered>
      {sheet && (
        <Stack>
          <Text size="sm">
            {t("approvals.rejectIntro", {
              name: secretaryName(sheet),
              period: periodText(sheet, t, language),
              hours: formatHours(sheet.total_hours, language),
            })}
          </Text>
          {failure && !reasonError && (
            <Alert color="red" title={t("approvals.failed")}>
              {failureText(failure)}
            </Alert>
          )}
          <Textarea
            label={t("approvals.reason")}
            description={t("approvals.reasonHelp")}
            placeholder={t("approvals.reasonPlaceholder")}
            withAsterisk
            rows={4}
            maxLength={2000}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={reasonError}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("approvals.cancel")}
            </Button>
            <Button color="red" onClick={submit} loading={reject.isPending}>
              {t("approvals.rejectConfirm")}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

export function ApprovalInboxPage() {
  const { t, language } = useLanguage();
  const theme = useMantineTheme();
  // Read at once (no server rendering here), so a desktop does not flash the cards first.
  const wide = useMediaQuery(`(min-width: ${theme.breakpoints.sm})`, undefined, { getInitialValueInEffect: false });
  const [page, setPage] = useState(1);
  const [selection, setSelection] = useState<Set<number>>(new Set());
  const [rejecting, setRejecting] = useState<Timesheet | null>(null);
  const [rejectOpened, setRejectOpened] = useState(false);
  const inbox = useApprovalInbox(page);
  const bulk = useBulkApprove();
  const approve = useApprove();

  // Approving the last sheets of a later page leaves that page empty: the API then answers 404.
  useEffect(() => {
    if (page > 1 && inbox.error instanceof ApiFailure && inbox.error.status === 404) setPage(1);
  }, [page, inbox.error]);

  const sheets = inbox.data?.results ?? [];
  const count = inbox.data?.count ?? 0;
  const chosen = sheets.filter((sheet) => selection.has(sheet.id));
  const busy = bulk.isPending;

  const select = (id: number, on: boolean) =>
    setSelection((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const approveChosen = () => {
    const names = chosen.map((sheet) => `${secretaryName(sheet)} (${periodText(sheet, t, language)})`).join(", ");
    bulk.mutate(
      chosen.map((sheet) => sheet.id),
      {
        onSuccess: (ids) => {
          setSelection(new Set());
          notifications.show({ color: "green", title: t("approvals.approved", { count: ids.length }), message: names });
        },
      },
    );
  };

  const approveOne = (sheet: Timesheet) => {
    approve.mutate(sheet.id, {
      onSuccess: () =>
        notifications.show({
          color: "green",
          title: t("approvals.approved", { count: 1 }),
          message: t("approvals.approvedOne", { name: secretaryName(sheet), period: periodText(sheet, t, language) }),
        }),
      onError: (error) => notifications.show({ color: "red", title: t("approvals.failed"), message: failureText(error) }),
    });
  };

  const rows: SheetProps[] = sheets.map((sheet) => ({
    sheet,
    selected: selection.has(sheet.id),
    onSelect: (on) => select(sheet.id, on),
    onApprove: () => approveOne(sheet),
    approving: approve.isPending && approve.variables === sheet.id,
    onReject: () => {
      setRejecting(sheet);
      setRejectOpened(true);
    },
    busy,
  }));

  return (
    <Stack>
      <div>
        <Group gap="sm" align="center">
          <Title order={2}>{t("approvals.title")}</Title>
          {count > 0 && (
            <Badge variant="light" size="lg" tt="none">
              {t("approvals.pending", { count })}
            </Badge>
          )}
        </Group>
        <Text c="dimmed" size="sm" mt={4}>
          {t("approvals.intro")}
        </Text>
      </div>

      {inbox.error && !(page > 1 && inbox.error instanceof ApiFailure && inbox.error.status === 404) && (
        <Alert color="red" title={t("approvals.failed")}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{inbox.error.message}</Text>
            <Button size="xs" variant="light" color="red" onClick={() => void inbox.refetch()} loading={inbox.isFetching}>
              {t("app.retry")}
            </Button>
          </Stack>
        </Alert>
      )}

      {inbox.isPending && !inbox.error && <Loader aria-label={t("app.loading")} />}

      {inbox.data && sheets.length === 0 && (
        <EmptyState title={t("approvals.emptyTitle")} description={t("approvals.emptyText")} py="xl">
          <EmptyState.Actions>
            <Button variant="default" onClick={() => void inbox.refetch()} loading={inbox.isFetching}>
              {t("approvals.refresh")}
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      )}

      {sheets.length > 0 && (
        <>
          <Paper withBorder p="xs" pos="sticky" top="var(--app-shell-header-height, 0px)" style={{ zIndex: 2 }}>
            <Group justify="space-between" gap="xs">
              <Group gap="sm" wrap="nowrap">
                <Checkbox
                  label={t("approvals.selectAll")}
                  checked={chosen.length === sheets.length}
                  indeterminate={chosen.length > 0 && chosen.length < sheets.length}
                  disabled={busy}
                  onChange={(event) => setSelection(event.currentTarget.checked ? new Set(sheets.map((sheet) => sheet.id)) : new Set())}
                />
                {chosen.length > 0 && (
                  <Text size="sm" c="dimmed">
                    {t("approvals.selected", { count: chosen.length })}
                  </Text>
                )}
              </Group>
              <Button color="green" onClick={approveChosen} disabled={chosen.length === 0} loading={bulk.isPending}>
                {chosen.length > 0 ? `${t("approvals.approveSelected")} (${chosen.length})` : t("approvals.approveSelected")}
              </Button>
            </Group>
            {chosen.length === 0 && (
              <Text size="xs" c="dimmed" mt={4}>
                {t("approvals.selectFirst")}
              </Text>
            )}
          </Paper>

          {bulk.error && (
            <Alert color="red" title={t("approvals.bulkFailed")} withCloseButton onClose={() => bulk.reset()}>
              {failureText(bulk.error, "timesheet_ids")}
            </Alert>
          )}

          {wide ? (
            <SheetTable rows={rows} />
          ) : (
            <Stack gap="sm">
              {rows.map((row) => (
                <SheetCard key={row.sheet.id} {...row} />
              ))}
            </Stack>
          )}

          {count > INBOX_PAGE_SIZE && (
            <Pagination value={page} onChange={setPage} total={Math.ceil(count / INBOX_PAGE_SIZE)} size="sm" />
          )}
        </>
      )}

      <RejectModal sheet={rejecting} opened={rejectOpened} onClose={() => setRejectOpened(false)} />
    </Stack>
  );
}
