// The pool board: every active secretary of a pool x the next 12 ISO weeks. Each cell is coloured by the
// free hours of that week (a heat-map); under each secretary their placements run as bars over their weeks.
import {
  Alert,
  Badge,
  Button,
  ColorSwatch,
  EmptyState,
  Group,
  Loader,
  Paper,
  ScrollArea,
  Select,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { Fragment, useState } from "react";
import { Link } from "react-router-dom";

import { useLanguage } from "../../i18n";
import { formatDate, formatHours } from "../../lib/format";
import { usePoolBoard, usePools, type BoardPlacement, type PoolBoard, type WeekCapacity } from "./api";
import { HEAT_COLOURS, addDays, heatOf, mondayOf, runsInWeek, shortWeek, today, type Heat } from "./helpers";

const WEEKS = 12;
const STEP_DAYS = 28;
const HEATS: Heat[] = ["free", "some", "low", "full", "over", "none"];
const STATUS_COLOURS: Record<string, string> = { draft: "gray", active: "blue", ended: "teal" };

export function BoardPage() {
  const { t } = useLanguage();
  const pools = usePools();
  const [chosenPool, setChosenPool] = useState<string | null>(null);
  const [start, setStart] = useState(() => mondayOf(today()));
  const poolOptions = (pools.data?.results ?? []).map((pool) => ({ value: String(pool.id), label: pool.name }));
  const pool = chosenPool ?? poolOptions[0]?.value ?? null;
  const board = usePoolBoard(pool === null ? null : Number(pool), start, WEEKS);

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("placements.board.title")}</Title>
        <Group align="flex-end">
          {poolOptions.length > 1 && (
            <Select label={t("placements.board.pool")} data={poolOptions} value={pool} onChange={setChosenPool} allowDeselect={false} w={200} />
          )}
          <Button.Group>
            <Button variant="default" onClick={() => setStart(addDays(start, -STEP_DAYS))}>
              {t("placements.board.earlier")}
            </Button>
            <Button variant="default" onClick={() => setStart(mondayOf(today()))}>
              {t("placements.board.thisWeek")}
            </Button>
            <Button variant="default" onClick={() => setStart(addDays(start, STEP_DAYS))}>
              {t("placements.board.later")}
            </Button>
          </Button.Group>
          <Button component={Link} to="/place">
            {t("placements.board.place")}
          </Button>
        </Group>
      </Group>
      {pools.error && <Alert color="red">{pools.error.message}</Alert>}
      {board.error && <Alert color="red">{board.error.message}</Alert>}
      {(pools.isPending || board.isLoading) && <Loader aria-label={t("app.loading")} />}
      {pools.data && poolOptions.length === 0 && (
        <EmptyState title={t("placements.board.noPoolTitle")} description={t("placements.board.noPool")} />
      )}
      {board.data && <Board board={board.data} />}
    </Stack>
  );
}

function Legend() {
  const { t } = useLanguage();
  return (
    <Group gap="md">
      {HEATS.map((heat) => (
        <Group key={heat} gap={6}>
          <ColorSwatch color={HEAT_COLOURS[heat]} size={14} withShadow={false} />
          <Text size="xs">{t(`placements.board.heat.${heat}`)}</Text>
        </Group>
      ))}
    </Group>
  );
}

function Board({ board }: { board: PoolBoard }) {
  const { t, language } = useLanguage();
  if (board.rows.length === 0) {
    return (
      <EmptyState title={t("placements.board.emptyTitle")} description={t("placements.board.empty")}>
        <EmptyState.Actions>
          <Button component={Link} to="/secretaries" variant="light">
            {t("placements.board.toSecretaries")}
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }
  const mondays = board.rows[0]?.weeks.map((week) => week.monday) ?? [];
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Legend />
        <ScrollArea>
          <Table withColumnBorders layout="fixed" miw={220 + board.weeks.length * 72} data-testid="pool-board">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={220}>{t("placements.board.secretary")}</Table.Th>
                {board.weeks.map((week, index) => (
                  <Table.Th key={week} ta="center">
                    <Text size="sm" fw={700}>
                      {shortWeek(week)}
                    </Text>
                    {mondays[index] && (
                      <Text size="xs" c="dimmed">
                        {formatDate(mondays[index], language)}
                      </Text>
                    )}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {board.rows.map((row) => {
                const placements = board.placements.filter((placement) => placement.secretary_id === row.secretary.id);
                return (
                  <Fragment key={row.secretary.id}>
                    <Table.Tr>
                      <Table.Td>
                        <Text fw={600} truncate>
                          {row.secretary.full_name}
                        </Text>
                      </Table.Td>
                      {row.weeks.map((week) => (
                        <FreeCell key={week.week} secretaryId={row.secretary.id} week={week} />
                      ))}
                    </Table.Tr>
                    {placements.map((placement) => (
                      <PlacementBar key={placement.id} placement={placement} mondays={row.weeks.map((week) => week.monday)} />
                    ))}
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      </Stack>
    </Paper>
  );
}

function FreeCell({ secretaryId, week }: { secretaryId: number; week: WeekCapacity }) {
  const { t, language } = useLanguage();
  const heat = heatOf(week.free, week.available);
  const details = t("placements.board.cellDetails", {
    available: formatHours(week.available, language),
    leave: formatHours(week.leave, language),
    placed: formatHours(week.placed, language),
  });
  return (
    <Tooltip label={details} withinPortal>
      <Table.Td
        ta="center"
        style={{ backgroundColor: HEAT_COLOURS[heat] }}
        data-testid={`free-${secretaryId}-${week.week}`}
        data-heat={heat}
        aria-label={`${week.week}: ${t("placements.board.free", { hours: formatHours(week.free, language) })}`}
      >
        <Text size="sm" fw={500}>
          {formatHours(week.free, language)}
        </Text>
      </Table.Td>
    </Tooltip>
  );
}

function PlacementBar({ placement, mondays }: { placement: BoardPlacement; mondays: string[] }) {
  const { t, language } = useLanguage();
  const runs = mondays.map((monday) => runsInWeek(placement.start_date, placement.end_date, monday));
  const first = runs.indexOf(true);
  const last = runs.lastIndexOf(true);
  if (first < 0) return null;
  const period = `${formatDate(placement.start_date, language)} – ${
    placement.end_date ? formatDate(placement.end_date, language) : t("placements.board.openEnded")
  }`;
  return (
    <Table.Tr data-testid={`placement-${placement.id}`}>
      <Table.Td />
      {first > 0 && <Table.Td colSpan={first} />}
      <Table.Td colSpan={last - first + 1} p={4}>
        <Tooltip label={`${placement.client} · ${period} · ${t(`placements.status.${placement.status}`)}`} withinPortal>
          <Badge fullWidth radius="sm" size="lg" variant={placement.status === "draft" ? "outline" : "filled"} color={STATUS_COLOURS[placement.status] ?? "blue"}>
            {placement.client} · {t("placements.board.perWeek", { hours: formatHours(placement.hours_per_week, language) })}
          </Badge>
        </Tooltip>
      </Table.Td>
      {last < mondays.length - 1 && <Table.Td colSpan={mondays.length - 1 - last} />}
    </Table.Tr>
  );
}
