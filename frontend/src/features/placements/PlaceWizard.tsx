// Placing a picked secretary: client, dates, hours and rate (prefilled from the pool's rate card), review.
// When the API refuses for overbooking it lists the short weeks; the manager may place anyway with a reason.
import { Alert, Button, Group, List, Paper, Select, SegmentedControl, Stack, Stepper, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { useLanguage } from "../../i18n";
import { formatDate, formatHours, formatMoney } from "../../lib/format";
import {
  MAX_PAGE_SIZE,
  PlacementFailure,
  useClients,
  useCreatePlacement,
  useRateCards,
  type Candidate,
  type Placement,
  type PlacementInput,
} from "./api";
import { DecimalInput } from "./DecimalInput";
import { fieldError, formError, rateCardOn } from "./helpers";

/** The fields of each step, to show the step an API field error belongs to. */
const STEP_FIELDS: string[][] = [
  ["client_id"],
  ["start_date", "end_date"],
  ["hours_per_week", "hourly_rate", "purpose", "status"],
  ["override_reason", "secretary_id"],
];
const SHOWN = STEP_FIELDS.flat();
const LAST_STEP = STEP_FIELDS.length - 1;

/** "45.50" and "45.5" are the same rate. */
function sameDecimal(a: string, b: string | undefined): boolean {
  const normal = (value: string) => (value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value);
  return b !== undefined && normal(a) === normal(b);
}

export function PlaceWizard({
  candidate,
  defaults,
  onCancel,
  onPlaced,
}: {
  candidate: Candidate;
  defaults: { start: string; end: string | null; hours: string };
  onCancel: () => void;
  onPlaced: (placement: Placement) => void;
}) {
  const { t, language } = useLanguage();
  const secretary = candidate.secretary;
  const clients = useClients({ active: true, page_size: MAX_PAGE_SIZE });
  const cards = useRateCards(secretary.pool.id);
  const create = useCreatePlacement();

  const [step, setStep] = useState(0);
  const [clientId, setClientId] = useState<string | null>(null);
  const [start, setStart] = useState<string | null>(defaults.start);
  const [end, setEnd] = useState<string | null>(defaults.end);
  const [hours, setHours] = useState(defaults.hours);
  const [rate, setRate] = useState<string | null>(null); // null: the rate card's
  const [purpose, setPurpose] = useState("");
  const [status, setStatus] = useState<"active" | "draft">("active");
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState<Record<string, string>>({});

  const client = (clients.data?.results ?? []).find((item) => String(item.id) === clientId) ?? null;
  const card = client && start ? rateCardOn(cards.data?.results ?? [], client.kind, start) : null;
  const shownRate = rate ?? card?.hourly_rate ?? "";
  const fromCard = card !== null && sameDecimal(shownRate, card.hourly_rate);
  const failure = create.error instanceof PlacementFailure ? create.error : null;
  const overbooked = failure?.overbooked ?? false;
  const error = (field: string) => missing[field] ?? fieldError(create.error, field);
  /** A change of what capacity depends on makes an overbooking answer stale. */
  const capacityChange =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      if (overbooked) create.reset();
      set(value);
    };

  const check = (index: number): Record<string, string> => {
    const required = t("placements.required");
    const problems: Record<string, string> = {};
    if (index === 0 && !clientId) problems.client_id = required;
    if (index === 1 && !start) problems.start_date = required;
    if (index === 1 && start && end && end < start) problems.end_date = t("placements.place.endBeforeStart");
    if (index === 2 && !hours) problems.hours_per_week = required;
    if (index === 2 && !shownRate) problems.hourly_rate = required;
    return problems;
  };
  const goTo = (target: number) => {
    for (let index = 0; index < Math.min(target, STEP_FIELDS.length); index += 1) {
      const problems = check(index);
      if (Object.keys(problems).length) {
        setMissing(problems);
        setStep(index);
        return;
      }
    }
    setMissing({});
    setStep(target);
  };

  const submit = (override: boolean) => {
    if (override && !reason.trim()) {
      setMissing({ override_reason: t("placements.place.reasonRequired") });
      return;
    }
    if (!clientId || !start) return;
    setMissing({});
    const body: PlacementInput = {
      secretary_id: secretary.id,
      client_id: Number(clientId),
      start_date: start,
      end_date: end || null,
      hours_per_week: hours,
      // Unchanged from the rate card: leave the rate to the API, which records it as the card's.
      hourly_rate: fromCard ? null : shownRate,
      purpose,
      notes: "",
      status,
      override_reason: override ? reason.trim() : "",
    };
    create.mutate(body, {
      onSuccess: (placement) => {
        notifications.show({ color: "green", message: t("placements.place.placedTitle") });
        onPlaced(placement);
      },
      onError: (failed) => {
        if (failed instanceof PlacementFailure && failed.overbooked) return setStep(LAST_STEP);
        const fields = failed instanceof PlacementFailure ? Object.keys(failed.fields) : [];
        const first = STEP_FIELDS.findIndex((names) => names.some((name) => fields.includes(name)));
        if (first >= 0) setStep(first);
      },
    });
  };

  const clientOptions = (clients.data?.results ?? []).map((item) => ({ value: String(item.id), label: item.legal_name }));
  const generalError = overbooked ? null : formError(create.error, SHOWN);

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="md">
        <Title order={3}>{t("placements.place.wizardTitle", { name: secretary.full_name })}</Title>
        <Button variant="subtle" onClick={onCancel}>
          {t("placements.place.otherCandidate")}
        </Button>
      </Group>
      <Stepper active={step} onStepClick={goTo} allowNextStepsSelect={false}>
        <Stepper.Step label={t("placements.place.stepClient")}>
          <Stack>
            <Select
              label={t("placements.fields.client_id")}
              placeholder={t("placements.place.pickClient")}
              data={clientOptions}
              value={clientId}
              onChange={(value) => {
                setClientId(value);
                setRate(null);
              }}
              searchable
              nothingFoundMessage={t("placements.place.noClient")}
              error={error("client_id")}
              disabled={clients.isPending}
              withAsterisk
            />
            {clients.data && clientOptions.length === 0 && <Text c="dimmed">{t("placements.place.noClients")}</Text>}
            {clients.error && <Alert color="red">{clients.error.message}</Alert>}
          </Stack>
        </Stepper.Step>
        <Stepper.Step label={t("placements.place.stepDates")}>
          <Group grow align="flex-start">
            <DateInput label={t("placements.fields.start_date")} valueFormat="YYYY-MM-DD" value={start} onChange={capacityChange(setStart)} error={error("start_date")} withAsterisk />
            <DateInput
              label={t("placements.fields.end_date")}
              description={t("placements.place.endHint")}
              valueFormat="YYYY-MM-DD"
              value={end}
              onChange={capacityChange(setEnd)}
              error={error("end_date")}
              clearable
            />
          </Group>
        </Stepper.Step>
        <Stepper.Step label={t("placements.place.stepTerms")}>
          <Stack>
            <Group grow align="flex-start">
              <DecimalInput label={t("placements.fields.hours_per_week")} value={hours} onChange={capacityChange(setHours)} error={error("hours_per_week")} withAsterisk />
              <DecimalInput
                label={t("placements.fields.hourly_rate")}
                prefix="€ "
                value={shownRate}
                onChange={setRate}
                error={error("hourly_rate")}
                description={
                  cards.isPending
                    ? t("app.loading")
                    : card
                      ? t("placements.place.rateFromCard", { pool: secretary.pool.name, date: formatDate(card.valid_from, language) })
                      : t("placements.place.noRateCard", { pool: secretary.pool.name })
                }
                withAsterisk
              />
            </Group>
            <TextInput label={t("placements.fields.purpose")} value={purpose} onChange={(event) => setPurpose(event.currentTarget.value)} error={error("purpose")} />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t("placements.fields.status")}
              </Text>
              <SegmentedControl
                value={status}
                onChange={(value) => setStatus(value === "draft" ? "draft" : "active")}
                data={[
                  { value: "active", label: t("placements.status.active") },
                  { value: "draft", label: t("placements.status.draft") },
                ]}
              />
              {error("status") && (
                <Text size="xs" c="red">
                  {error("status")}
                </Text>
              )}
            </Stack>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label={t("placements.place.stepReview")}>
          <Stack>
            <Table variant="vertical" withTableBorder>
              <Table.Tbody>
                <Summary label={t("placements.board.secretary")} value={`${secretary.full_name} (${secretary.pool.name})`} />
                <Summary label={t("placements.fields.client_id")} value={client?.legal_name ?? "–"} />
                <Summary
                  label={t("placements.place.period")}
                  value={`${formatDate(start, language)} – ${end ? formatDate(end, language) : t("placements.board.openEnded")}`}
                />
                <Summary label={t("placements.fields.hours_per_week")} value={formatHours(hours, language)} />
                <Summary
                  label={t("placements.fields.hourly_rate")}
                  value={`${formatMoney(shownRate, language)} (${fromCard ? t("placements.place.sourceCard") : t("placements.place.sourceOverride")})`}
                />
                <Summary label={t("placements.fields.status")} value={t(`placements.status.${status}`)} />
              </Table.Tbody>
            </Table>
            {overbooked && failure && (
              <Alert color="orange" title={t("placements.place.overbookedTitle")} data-testid="overbooked">
                <Stack gap="sm">
                  <Text size="sm">{t("placements.place.overbooked", { name: secretary.full_name })}</Text>
                  {failure.shortfall.length > 0 && (
                    <List size="sm">
                      {failure.shortfall.map((week) => (
                        <List.Item key={week.week}>{t("placements.place.short", { week: week.week, hours: formatHours(week.short, language) })}</List.Item>
                      ))}
                    </List>
                  )}
                  <Textarea
                    label={t("placements.fields.override_reason")}
                    description={t("placements.place.overrideHint")}
                    value={reason}
                    onChange={(event) => setReason(event.currentTarget.value)}
                    error={missing.override_reason ?? (create.variables?.override_reason ? fieldError(create.error, "override_reason") : undefined)}
                    rows={3}
                  />
                  <Group>
                    <Button color="orange" onClick={() => submit(true)} loading={create.isPending}>
                      {t("placements.place.override")}
                    </Button>
                    <Button variant="default" onClick={() => setStep(1)}>
                      {t("placements.place.changeDates")}
                    </Button>
                  </Group>
                </Stack>
              </Alert>
            )}
            {error("secretary_id") && <Alert color="red">{error("secretary_id")}</Alert>}
          </Stack>
        </Stepper.Step>
      </Stepper>
      {generalError && (
        <Alert color="red" mt="md">
          {generalError}
        </Alert>
      )}
      <Group justify="space-between" mt="lg">
        <Button variant="default" onClick={() => (step === 0 ? onCancel() : setStep(step - 1))}>
          {step === 0 ? t("placements.cancel") : t("placements.back")}
        </Button>
        {step < LAST_STEP ? (
          <Button onClick={() => goTo(step + 1)}>{t("placements.next")}</Button>
        ) : (
          !overbooked && (
            <Button onClick={() => submit(false)} loading={create.isPending}>
              {t("placements.place.submit")}
            </Button>
          )
        )}
      </Group>
    </Paper>
  );
}

function Summary({ label, value }: { label: string; value: string }) {
  return (
    <Table.Tr>
      <Table.Th w={200}>{label}</Table.Th>
      <Table.Td>{value}</Table.Td>
    </Table.Tr>
  );
}
