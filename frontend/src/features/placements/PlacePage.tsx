// Availability search -> place wizard: who has the hours free in every week of a period (ranked by fit
// with the asked skills and languages), then a Stepper that places the one picked with a client.
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  Group,
  Loader,
  Pagination,
  Paper,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  Title,
} from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import { useLanguage } from "../../i18n";
import { formatHours, formatRatio } from "../../lib/format";
import { pageCount, useAvailability, usePools, type AvailabilityQuery, type Candidate, type Placement } from "./api";
import { DecimalInput } from "./DecimalInput";
import { addDays, fieldError, formError, mondayOf, today } from "./helpers";
import { PlaceWizard } from "./PlaceWizard";

const SEARCH_FIELDS = ["start", "end", "hours_per_week", "skills", "languages", "pool_id"];

export function PlacePage() {
  const { t, language } = useLanguage();
  const pools = usePools();
  const [hours, setHours] = useState("");
  const [start, setStart] = useState<string | null>(() => addDays(mondayOf(today()), 7));
  const [end, setEnd] = useState<string | null>(() => addDays(mondayOf(today()), 7 * 13 - 3));
  const [skills, setSkills] = useState<string[]>([]);
  const [languages, setLanguages] = useState<string[]>([]);
  const [pool, setPool] = useState<string | null>(null);
  const [query, setQuery] = useState<AvailabilityQuery | null>(null);
  const [page, setPage] = useState(1);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [picked, setPicked] = useState<Candidate | null>(null);
  const [placed, setPlaced] = useState<Placement | null>(null);
  const search = useAvailability(query, page);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const required: Record<string, string> = {};
    if (!hours) required.hours_per_week = t("placements.required");
    if (!start) required.start = t("placements.required");
    if (!end) required.end = t("placements.required");
    setMissing(required);
    if (Object.keys(required).length || !start || !end) return;
    setPlaced(null);
    setPicked(null);
    setPage(1);
    setQuery({
      start,
      end,
      hours_per_week: hours,
      ...(skills.length ? { skills: skills.join(",") } : {}),
      ...(languages.length ? { languages: languages.join(",") } : {}),
      ...(pool ? { pool_id: Number(pool) } : {}),
    });
  };
  const error = (field: string) => missing[field] ?? fieldError(search.error, field);
  const poolOptions = (pools.data?.results ?? []).map((item) => ({ value: String(item.id), label: item.name }));

  return (
    <Stack>
      <Title order={2}>{t("placements.place.title")}</Title>
      {placed && (
        <Alert color="green" title={t("placements.place.placedTitle")} withCloseButton onClose={() => setPlaced(null)}>
          <Group justify="space-between">
            <Text size="sm">
              {t("placements.place.placed", {
                secretary: placed.secretary.full_name,
                client: placed.client.legal_name,
                hours: formatHours(placed.hours_per_week, language),
              })}
            </Text>
            <Button component={Link} to="/board" size="xs" variant="light">
              {t("placements.place.toBoard")}
            </Button>
          </Group>
        </Alert>
      )}
      {picked && query ? (
        <PlaceWizard
          candidate={picked}
          defaults={{ start: query.start, end: query.end, hours: query.hours_per_week }}
          onCancel={() => setPicked(null)}
          onPlaced={(placement) => {
            setPicked(null);
            setPlaced(placement);
          }}
        />
      ) : (
        <>
          <Paper withBorder p="md" component="form" onSubmit={submit}>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <DecimalInput label={t("placements.fields.hours_per_week")} value={hours} onChange={setHours} error={error("hours_per_week")} withAsterisk />
              <DateInput label={t("placements.place.from")} valueFormat="YYYY-MM-DD" value={start} onChange={setStart} error={error("start")} withAsterisk />
              <DateInput label={t("placements.place.to")} valueFormat="YYYY-MM-DD" value={end} onChange={setEnd} error={error("end")} withAsterisk />
              <TagsInput label={t("placements.fields.skills")} value={skills} onChange={setSkills} error={error("skills")} />
              <TagsInput label={t("placements.fields.languages")} value={languages} onChange={setLanguages} error={error("languages")} />
              {poolOptions.length > 1 && (
                <Select label={t("placements.board.pool")} placeholder={t("placements.place.allPools")} data={poolOptions} value={pool} onChange={setPool} clearable />
              )}
            </SimpleGrid>
            <Group justify="flex-end" mt="md">
              <Button type="submit" loading={search.isFetching}>
                {t("placements.place.search")}
              </Button>
            </Group>
          </Paper>
          {search.error && formError(search.error, SEARCH_FIELDS) && <Alert color="red">{formError(search.error, SEARCH_FIELDS)}</Alert>}
          {query === null && <Text c="dimmed">{t("placements.place.hint")}</Text>}
          {search.isLoading && <Loader aria-label={t("app.loading")} />}
          {search.data && <Candidates results={search.data.results} count={search.data.count} page={page} onPage={setPage} onPick={setPicked} />}
        </>
      )}
    </Stack>
  );
}

function Candidates({
  results,
  count,
  page,
  onPage,
  onPick,
}: {
  results: Candidate[];
  count: number;
  page: number;
  onPage: (page: number) => void;
  onPick: (candidate: Candidate) => void;
}) {
  const { t, language } = useLanguage();
  if (results.length === 0) {
    return <EmptyState title={t("placements.place.noneTitle")} description={t("placements.place.none")} />;
  }
  return (
    <Paper withBorder p="md">
      <Text size="sm" c="dimmed" mb="xs">
        {t("placements.place.found", { count })}
      </Text>
      <ScrollArea>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("placements.board.secretary")}</Table.Th>
              <Table.Th>{t("placements.board.pool")}</Table.Th>
              <Table.Th>{t("placements.place.fit")}</Table.Th>
              <Table.Th ta="right">{t("placements.place.minFree")}</Table.Th>
              <Table.Th>{t("placements.fields.skills")}</Table.Th>
              <Table.Th>{t("placements.fields.languages")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {results.map((candidate) => (
              <Table.Tr key={candidate.secretary.id}>
                <Table.Td>{candidate.secretary.full_name}</Table.Td>
                <Table.Td>{candidate.secretary.pool.name}</Table.Td>
                <Table.Td>{formatRatio(candidate.fit, language)}</Table.Td>
                <Table.Td ta="right">{formatHours(candidate.min_free, language)}</Table.Td>
                <Table.Td>
                  <Tags items={candidate.skills} matched={candidate.matched_skills} />
                </Table.Td>
                <Table.Td>
                  <Tags items={candidate.languages} matched={candidate.matched_languages} />
                </Table.Td>
                <Table.Td ta="right">
                  <Button size="xs" onClick={() => onPick(candidate)}>
                    {t("placements.place.pick")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {pageCount(count) > 1 && <Pagination mt="sm" total={pageCount(count)} value={page} onChange={onPage} />}
    </Paper>
  );
}

function Tags({ items, matched }: { items: string[]; matched: string[] }) {
  const hits = new Set(matched.map((item) => item.toLowerCase()));
  return (
    <Group gap={4}>
      {items.map((item) => (
        <Badge key={item} size="sm" variant={hits.has(item.toLowerCase()) ? "filled" : "light"}>
          {item}
        </Badge>
      ))}
    </Group>
  );
}
