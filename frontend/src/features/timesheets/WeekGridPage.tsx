// The week grid: a secretary's placements by the 7 days of one ISO week. Enter hours per day, save (all or
// nothing: the server names the cells it refuses), and submit the week's timesheets for approval. A team
// manager opens a secretary's week from the overview (?secretary=<id>) and may do the same on their behalf.
import { Alert, Button, Checkbox, Group, Loader, Modal, NumberInput, Select, Stack, Table, Text, Title } from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { notifications } from "@mantine/notifications";
import { useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";

import { ApiFailure, type Me } from "../../api/client";
import { useLanguage } from "../../i18n";
import { formatDate, formatHours } from "../../lib/format";
import { hasRole } from "../auth/api";
import {
  EDITABLE_STATUSES,
  clientOf,
  useSaveWeekGrid,
  useSecretaries,
  useSubmitTimesheets,
  useTimesheets,
  useWeekGrid,
  type CellInput,
  type GridCell,
  type GridRow,
  type TimesheetStatus,
} from "./api";
import { RejectedSheets, weekToFix } from "./RejectedSheets";
import { StatusBadge, periodText } from "./shared";
import { dayLabel, isoWeekOf, mondayOf, parseWeek, shiftWeek, sundayOf, today, weekNumber } from "./week";

interface Target {
  week?: string;
  secretary?: number | null;
}

export function WeekGridPage({ me }: { me: Me }) {
  const { t } = useLanguage();
  const [params, setParams] = useSearchParams();
  const askedWeek = params.get("week");
  const week = askedWeek && parseWeek(askedWeek) ? askedWeek : isoWeekOf(today());
  const askedSecretary = Number(params.get("secretary"));
  const secretaryParam = Number.isInteger(askedSecretary) && askedSecretary > 0 ? askedSecretary : null;
  const manager = hasRole(me, "team_manager");
  const secretaries = useSecretaries(manager);
  const [dirty, setDirty] = useState(false);
  const [pending, setPending] = useState<Target | null>(null);

  const go = (target: Target) => {
    const search = new URLSearchParams();
    search.set("week", target.week ?? week);
    const secretary = target.secretary === undefined ? secretaryParam : target.secretary;
    if (secretary !== null) search.set("secretary", String(secretary));
    setParams(search);
  };
  const navigate = (target: Target) => (dirty ? setPending(target) : go(target));
  const hasSecretary = secretaryParam !== null || me.secretary_id !== null;

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("timesheets.grid.title")}</Title>
        {manager && (
          <Select
            label={t("timesheets.secretary")}
            placeholder={t("timesheets.grid.chooseSecretary")}
            searchable
            value={secretaryParam !== null ? String(secretaryParam) : null}
            onChange={(value) => navigate({ secretary: value ? Number(value) : null })}
            data={(secretaries.data?.results ?? []).map((item) => ({ value: String(item.id), label: item.full_name }))}
            w={{ base: "100%", sm: 280 }}
          />
        )}
      </Group>
      {hasSecretary ? (
        <WeekEditor
          key={`${secretaryParam ?? "me"}-${week}`}
          week={week}
          secretaryParam={secretaryParam}
          onNavigate={navigate}
          onDirtyChange={setDirty}
        />
      ) : (
        <Text c="dimmed">{t("timesheets.grid.chooseSecretaryFirst")}</Text>
      )}
      <Modal opened={pending !== null} onClose={() => setPending(null)} title={t("timesheets.grid.discardTitle")} centered>
        <Text mb="md">{t("timesheets.grid.discardText")}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setPending(null)}>
            {t("timesheets.grid.stay")}
          </Button>
          <Button
            color="red"
            onClick={() => {
              if (pending) go(pending);
              setPending(null);
              setDirty(false);
            }}
          >
            {t("timesheets.grid.discard")}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

const cellKey = (placementId: number, date: string) => `${placementId}|${date}`;

type Draft = number | string;

/** An entered value as the API's decimal string: null clears the day (empty or 0). */
function draftHours(value: Draft): string | null {
  if (value === "") return null;
  const number = typeof value === "number" ? value : Number(value.replace(",", "."));
  if (Number.isNaN(number)) return String(value); // the server says what is wrong with it, at the cell
  return number === 0 ? null : number.toFixed(2);
}

function savedHours(cell: GridCell): string | null {
  return cell.hours === null || Number(cell.hours) === 0 ? null : Number(cell.hours).toFixed(2);
}

function WeekEditor({
  week,
  secretaryParam,
  onNavigate,
  onDirtyChange,
}: {
  week: string;
  secretaryParam: number | null;
  onNavigate: (target: Target) => void;
  onDirtyChange: (dirty: boolean) => void;
}) {
  const { t, language } = useLanguage();
  const monday = mondayOf(week);
  const sunday = sundayOf(week);
  const grid = useWeekGrid(week, secretaryParam);
  const data = grid.data;
  const save = useSaveWeekGrid();
  const submit = useSubmitTimesheets();
  const sheets = useTimesheets(
    { secretary: data?.secretary_id, period_from: monday, period_to: sunday, page_size: 100 },
    data !== undefined,
  );
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [cellErrors, setCellErrors] = useState<Record<string, string[]>>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [submitOpen, setSubmitOpen] = useState(false);
  const [chosen, setChosen] = useState<number[] | null>(null);

  const changes: { key: string; cell: CellInput }[] = useMemo(() => {
    if (!data) return [];
    return data.rows.flatMap((row) =>
      row.cells.flatMap((cell) => {
        const key = cellKey(row.placement_id, cell.date);
        const draft = drafts[key];
        if (draft === undefined || !cell.editable) return [];
        const hours = draftHours(draft);
        if (hours === savedHours(cell)) return [];
        return [{ key, cell: { placement_id: row.placement_id, date: cell.date, hours, description: cell.description } }];
      }),
    );
  }, [data, drafts]);
  const dirty = changes.length > 0;
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const weekSheets = (sheets.data?.results ?? []).filter((sheet) => sheet.period_start <= sunday && sheet.period_end >= monday);
  const submittable = weekSheets.filter((sheet) => EDITABLE_STATUSES.includes(sheet.status ?? "open"));
  const selected = chosen ?? submittable.filter((sheet) => sheet.period_end <= sunday).map((sheet) => sheet.id);

  async function doSave(): Promise<boolean> {
    setCellErrors({});
    setOtherErrors([]);
    const sent = changes;
    try {
      await save.mutateAsync({ cells: sent.map((change) => change.cell), secretaryId: secretaryParam });
      setDrafts({});
      notifications.show({ color: "green", message: t("timesheets.grid.saved") });
      return true;
    } catch (error) {
      if (error instanceof ApiFailure) {
        const perCell: Record<string, string[]> = {};
        const other: string[] = [];
        for (const [field, messages] of Object.entries(error.fields)) {
          const match = /^cells\.(\d+)\.\w+$/.exec(field);
          const change = match ? sent[Number(match[1])] : undefined;
          if (change) perCell[change.key] = [...(perCell[change.key] ?? []), ...messages];
          else other.push(...messages.map((message) => `${field}: ${message}`));
        }
        setCellErrors(perCell);
        setOtherErrors(other);
      }
      return false;
    }
  }

  async function startSubmit() {
    if (dirty && !(await doSave())) return;
    submit.reset();
    setChosen(null);
    setSubmitOpen(true);
  }

  function confirmSubmit() {
    submit.mutate(selected, {
      onSuccess: (done) => {
        setSubmitOpen(false);
        notifications.show({ color: "green", message: t("timesheets.grid.submitted", { count: done.length }) });
      },
    });
  }

  function edit(key: string, value: Draft) {
    setDrafts((current) => ({ ...current, [key]: value }));
    if (cellErrors[key]) {
      setCellErrors(({ [key]: _removed, ...rest }) => rest);
    }
  }

  const rowStatuses = (row: GridRow): TimesheetStatus[] => [
    ...new Set(row.cells.flatMap((cell) => (cell.timesheet_status ? [cell.timesheet_status] : []))),
  ];
  const overCap = (total: string) => data !== undefined && Number(total) > Number(data.daily_cap);

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" gap="sm">
        <Group gap="xs">
          <Button variant="default" onClick={() => onNavigate({ week: shiftWeek(week, -1) })}>
            {t("timesheets.grid.previous")}
          </Button>
          <Button variant="default" onClick={() => onNavigate({ week: isoWeekOf(today()) })}>
            {t("timesheets.grid.thisWeek")}
          </Button>
          <Button variant="default" onClick={() => onNavigate({ week: shiftWeek(week, 1) })}>
            {t("timesheets.grid.next")}
          </Button>
        </Group>
        <DatePickerInput
          label={t("timesheets.grid.pickWeek")}
          value={monday}
          onChange={(value) => value && onNavigate({ week: isoWeekOf(String(value).slice(0, 10)) })}
          firstDayOfWeek={1}
          withWeekNumbers
          getDayProps={(date) => {
            const inWeek = date >= monday && date <= sunday;
            return { inRange: inWeek, firstInRange: date === monday, lastInRange: date === sunday, selected: inWeek };
          }}
          w={{ base: "100%", sm: 220 }}
        />
      </Group>
      <Text fw={600}>
        {t("timesheets.grid.week", {
          number: weekNumber(week),
          from: formatDate(monday, language),
          to: formatDate(sunday, language),
        })}
      </Text>

      {grid.error && <Alert color="red">{grid.error.message}</Alert>}
      {grid.isPending && <Loader />}
      {data && (
        <>
          <RejectedSheets secretaryId={data.secretary_id} onOpen={(sheet) => onNavigate({ week: weekToFix(sheet) })} />
          {data.rows.length === 0 ? (
            <Alert color="blue">{t("timesheets.grid.noPlacements")}</Alert>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table withTableBorder verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("timesheets.placement")}</Table.Th>
                    {data.days.map((day) => (
                      <Table.Th key={day}>{dayLabel(day, language)}</Table.Th>
                    ))}
                    <Table.Th>{t("timesheets.statusLabel")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.rows.map((row) => (
                    <Table.Tr key={row.placement_id}>
                      <Table.Td miw={160}>
                        <Text fw={600} size="sm">
                          {row.client}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t("timesheets.grid.perWeek", { hours: formatHours(row.hours_per_week, language) })}
                        </Text>
                        {row.rejection_reasons.map((reason, index) => (
                          <Text key={index} size="xs" c="red">
                            {t("timesheets.grid.rejectedBecause", { reason })}
                          </Text>
                        ))}
                      </Table.Td>
                      {row.cells.map((cell) => {
                        const key = cellKey(row.placement_id, cell.date);
                        const draft = drafts[key];
                        const errors = cellErrors[key];
                        return (
                          <Table.Td key={cell.date}>
                            <NumberInput
                              aria-label={`${row.client} ${dayLabel(cell.date, language)}`}
                              value={draft ?? (cell.hours === null ? "" : Number(cell.hours))}
                              onChange={(value) => edit(key, value)}
                              step={0.25}
                              min={0}
                              max={24}
                              decimalScale={2}
                              decimalSeparator={language === "nl" ? "," : "."}
                              allowNegative={false}
                              hideControls
                              inputMode="decimal"
                              disabled={!cell.editable || save.isPending}
                              error={errors ? errors.join(" ") : undefined}
                              miw={64}
                            />
                          </Table.Td>
                        );
                      })}
                      <Table.Td>
                        <Group gap={4}>
                          {rowStatuses(row).map((status) => (
                            <StatusBadge key={status} status={status} />
                          ))}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
                <Table.Tfoot>
                  <Table.Tr>
                    <Table.Th>{t("timesheets.grid.savedTotal")}</Table.Th>
                    {data.day_totals.map((total, index) => (
                      <Table.Th key={data.days[index] ?? index} c={overCap(total) ? "red" : undefined}>
                        {formatHours(total, language)}
                      </Table.Th>
                    ))}
                    <Table.Th />
                  </Table.Tr>
                </Table.Tfoot>
              </Table>
            </Table.ScrollContainer>
          )}
          <Text size="xs" c="dimmed">
            {t("timesheets.grid.hint", { cap: formatHours(data.daily_cap, language) })}
          </Text>

          {save.error && (
            <Alert color="red" title={t("timesheets.grid.notSaved")}>
              {save.error.message}
              {otherErrors.map((message) => (
                <Text key={message} size="sm">
                  {message}
                </Text>
              ))}
            </Alert>
          )}
          {data.rows.length > 0 && (
            <Group justify="flex-end" gap="sm">
              {dirty && (
                <Text size="sm" c="dimmed">
                  {t("timesheets.grid.unsaved", { count: changes.length })}
                </Text>
              )}
              <Button variant="default" disabled={!dirty || save.isPending} onClick={() => setDrafts({})}>
                {t("timesheets.grid.undo")}
              </Button>
              <Button onClick={() => void doSave()} loading={save.isPending} disabled={!dirty}>
                {t("timesheets.grid.save")}
              </Button>
              <Button
                color="green"
                onClick={() => void startSubmit()}
                disabled={!dirty && submittable.length === 0}
                loading={save.isPending || submit.isPending}
              >
                {t("timesheets.grid.submitWeek")}
              </Button>
            </Group>
          )}

          <Stack gap="xs" component="section" aria-label={t("timesheets.grid.sheetsTitle")}>
            <Title order={4}>{t("timesheets.grid.sheetsTitle")}</Title>
            {sheets.error && <Alert color="red">{sheets.error.message}</Alert>}
            {sheets.data && weekSheets.length === 0 && (
              <Text size="sm" c="dimmed">
                {t("timesheets.grid.noSheets")}
              </Text>
            )}
            {weekSheets.length > 0 && (
              <Table.ScrollContainer minWidth={520}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t("timesheets.client")}</Table.Th>
                      <Table.Th>{t("timesheets.period")}</Table.Th>
                      <Table.Th ta="right">{t("timesheets.hours")}</Table.Th>
                      <Table.Th>{t("timesheets.statusLabel")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {weekSheets.map((sheet) => (
                      <Table.Tr key={sheet.id}>
                        <Table.Td>{clientOf(sheet)}</Table.Td>
                        <Table.Td>{periodText(sheet.period_start, sheet.period_end, language)}</Table.Td>
                        <Table.Td ta="right">{formatHours(sheet.total_hours, language)}</Table.Td>
                        <Table.Td>
                          <StatusBadge status={sheet.status} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        </>
      )}

      <Modal opened={submitOpen} onClose={() => setSubmitOpen(false)} title={t("timesheets.grid.submitTitle")} centered>
        <Stack>
          {submittable.length === 0 ? (
            <Text>{t("timesheets.grid.nothingToSubmit")}</Text>
          ) : (
            <>
              <Text size="sm">{t("timesheets.grid.submitIntro")}</Text>
              {submittable.map((sheet) => (
                <Checkbox
                  key={sheet.id}
                  checked={selected.includes(sheet.id)}
                  onChange={(event) => {
                    const on = event.currentTarget.checked;
                    setChosen(on ? [...selected, sheet.id] : selected.filter((id) => id !== sheet.id));
                  }}
                  label={`${clientOf(sheet)} · ${periodText(sheet.period_start, sheet.period_end, language)} · ${t(
                    "timesheets.hoursValue",
                    { hours: formatHours(sheet.total_hours, language) },
                  )}`}
                  description={
                    sheet.period_end > sunday
                      ? t("timesheets.grid.runsOn", { date: formatDate(sheet.period_end, language) })
                      : undefined
                  }
                />
              ))}
            </>
          )}
          {submit.error && <Alert color="red">{submit.error.message}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setSubmitOpen(false)}>
              {t("timesheets.cancel")}
            </Button>
            <Button color="green" onClick={confirmSubmit} loading={submit.isPending} disabled={selected.length === 0}>
              {t("timesheets.grid.submitConfirm", { count: selected.length })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
