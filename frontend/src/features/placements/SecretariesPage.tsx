// Secretaries of the manager's pools: a searchable, paged list and a create/edit form in a Modal. A new
// secretary is an existing user given a profile, or a new user created first (POST users/, then secretaries/).
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  Group,
  Loader,
  Modal,
  Pagination,
  Paper,
  ScrollArea,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";

import { useLanguage } from "../../i18n";
import { formatDate, formatHours } from "../../lib/format";
import {
  MAX_PAGE_SIZE,
  pageCount,
  useCreateSecretary,
  useCreateUser,
  usePools,
  useSecretaries,
  useUpdateSecretary,
  useUsers,
  type Secretary,
} from "./api";
import { DecimalInput } from "./DecimalInput";
import { fieldError, formError, stringList, today } from "./helpers";

export function SecretariesPage() {
  const { t, language } = useLanguage();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [pool, setPool] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Secretary | "new" | null>(null);
  const pools = usePools();
  const secretaries = useSecretaries({ page, ...(q ? { q } : {}), ...(pool ? { pool: Number(pool) } : {}) });
  const poolOptions = (pools.data?.results ?? []).map((item) => ({ value: String(item.id), label: item.name }));
  const filtered = Boolean(q || pool);

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("placements.secretaries.title")}</Title>
        <Group align="flex-end">
          <TextInput
            label={t("placements.search")}
            placeholder={t("placements.secretaries.searchHint")}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setPage(1);
            }}
            w={240}
          />
          {poolOptions.length > 1 && (
            <Select
              label={t("placements.board.pool")}
              placeholder={t("placements.place.allPools")}
              data={poolOptions}
              value={pool}
              onChange={(value) => {
                setPool(value);
                setPage(1);
              }}
              clearable
              w={200}
            />
          )}
          <Button onClick={() => setEditing("new")}>{t("placements.secretaries.new")}</Button>
        </Group>
      </Group>
      {secretaries.error && <Alert color="red">{secretaries.error.message}</Alert>}
      {secretaries.isPending && <Loader aria-label={t("app.loading")} />}
      {secretaries.data && secretaries.data.results.length === 0 && (
        <EmptyState
          title={filtered ? t("placements.secretaries.noneFound") : t("placements.secretaries.emptyTitle")}
          description={filtered ? t("placements.searchOther") : t("placements.secretaries.empty")}
        />
      )}
      {secretaries.data && secretaries.data.results.length > 0 && (
        <Paper withBorder p="md">
          <ScrollArea>
            <Table striped highlightOnHover data-testid="secretaries-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("placements.secretaries.fields.full_name")}</Table.Th>
                  <Table.Th>{t("placements.board.pool")}</Table.Th>
                  <Table.Th ta="right">{t("placements.secretaries.fields.contract_hours")}</Table.Th>
                  <Table.Th ta="right">{t("placements.secretaries.fields.base_workload_hours")}</Table.Th>
                  <Table.Th>{t("placements.fields.skills")}</Table.Th>
                  <Table.Th>{t("placements.fields.languages")}</Table.Th>
                  <Table.Th>{t("placements.secretaries.employed")}</Table.Th>
                  <Table.Th>{t("placements.secretaries.fields.active")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {secretaries.data.results.map((secretary) => (
                  <Table.Tr key={secretary.id}>
                    <Table.Td>
                      <Text size="sm">{secretary.full_name}</Text>
                      <Text size="xs" c="dimmed">
                        {secretary.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>{secretary.pool.name}</Table.Td>
                    <Table.Td ta="right">{formatHours(secretary.contract_hours, language)}</Table.Td>
                    <Table.Td ta="right">{formatHours(secretary.base_workload_hours, language)}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {stringList(secretary.skills).map((skill) => (
                          <Badge key={skill} size="sm" variant="light">
                            {skill}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {stringList(secretary.languages).map((item) => (
                          <Badge key={item} size="sm" variant="light" color="grape">
                            {item}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {formatDate(secretary.employment_start, language)} – {secretary.employment_end ? formatDate(secretary.employment_end, language) : ""}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="dot" color={secretary.active === false ? "gray" : "green"}>
                        {secretary.active === false ? t("placements.inactive") : t("placements.active")}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button size="xs" variant="default" onClick={() => setEditing(secretary)}>
                        {t("placements.edit")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {pageCount(secretaries.data.count) > 1 && (
            <Pagination mt="sm" total={pageCount(secretaries.data.count)} value={page} onChange={setPage} />
          )}
        </Paper>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" || editing === null ? t("placements.secretaries.new") : t("placements.secretaries.edit", { name: editing.full_name })}
        size="xl"
      >
        {editing !== null && <SecretaryForm secretary={editing === "new" ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
    </Stack>
  );
}

interface Form {
  user_id: string | null;
  pool_id: string | null;
  contract_hours: string;
  base_workload_hours: string;
  skills: string[];
  languages: string[];
  employment_start: string | null;
  employment_end: string | null;
  active: boolean;
}

const FIELDS = ["user_id", "pool_id", "contract_hours", "base_workload_hours", "skills", "languages", "employment_start", "employment_end", "active"];
const USER_FIELDS = ["email", "full_name"];

export function SecretaryForm({ secretary, onDone }: { secretary: Secretary | null; onDone: () => void }) {
  const { t } = useLanguage();
  const creating = secretary === null;
  const pools = usePools();
  const [form, setForm] = useState<Form>(() => ({
    user_id: null,
    pool_id: secretary ? String(secretary.pool.id) : null,
    contract_hours: secretary?.contract_hours ?? "",
    base_workload_hours: secretary?.base_workload_hours ?? "0.00",
    skills: stringList(secretary?.skills),
    languages: stringList(secretary?.languages),
    employment_start: secretary?.employment_start ?? today(),
    employment_end: secretary?.employment_end ?? null,
    active: secretary?.active ?? true,
  }));
  const [who, setWho] = useState<"existing" | "new">("existing");
  const [person, setPerson] = useState({ full_name: "", email: "" });
  const users = useUsers("is_secretary", creating);
  // Users already holding a profile (in the manager's pools) are no candidates for a new one.
  const profiled = useSecretaries({ page_size: MAX_PAGE_SIZE });
  const taken = new Set((profiled.data?.results ?? []).map((item) => item.user_id));
  const userOptions = (users.data?.results ?? [])
    .filter((user) => !taken.has(user.id))
    .map((user) => ({ value: String(user.id), label: `${user.full_name} (${user.email})` }));
  const createUser = useCreateUser();
  const create = useCreateSecretary();
  const update = useUpdateSecretary();
  const save = creating ? create : update;
  const set = <K extends keyof Form>(key: K) => (value: Form[K]) => setForm((current) => ({ ...current, [key]: value }));
  const error = (field: string) => fieldError(save.error, field);
  const pending = createUser.isPending || save.isPending;

  const done = (name: string) => {
    notifications.show({ color: "green", message: t("placements.secretaries.saved", { name }) });
    onDone();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const shared = {
      ...(form.pool_id ? { pool_id: Number(form.pool_id) } : {}),
      contract_hours: form.contract_hours,
      base_workload_hours: form.base_workload_hours,
      skills: form.skills,
      languages: form.languages,
      employment_end: form.employment_end || null,
    };
    if (!creating) {
      update.mutate(
        { id: secretary.id, body: { ...shared, ...(form.employment_start ? { employment_start: form.employment_start } : {}), active: form.active } },
        { onSuccess: (saved) => done(saved.full_name) },
      );
      return;
    }
    let userId = form.user_id ? Number(form.user_id) : 0;
    if (who === "new") {
      try {
        const user = await createUser.mutateAsync({ ...person, roles: ["secretary"], language: "nl" });
        userId = user.id;
        // Should the profile fail next, the person exists: pick them instead of creating them twice.
        setWho("existing");
        set("user_id")(String(user.id));
      } catch {
        return;
      }
    }
    create.mutate(
      { ...shared, user_id: userId, pool_id: form.pool_id ? Number(form.pool_id) : 0, employment_start: form.employment_start ?? "" },
      { onSuccess: (saved) => done(saved.full_name) },
    );
  };
  const general = formError(save.error, FIELDS) ?? formError(createUser.error, USER_FIELDS);

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack>
        {general && <Alert color="red">{general}</Alert>}
        {creating && (
          <Stack gap="xs">
            <SegmentedControl
              value={who}
              onChange={(value) => setWho(value === "new" ? "new" : "existing")}
              data={[
                { value: "existing", label: t("placements.secretaries.existingUser") },
                { value: "new", label: t("placements.secretaries.newUser") },
              ]}
            />
            {who === "existing" ? (
              <Select
                label={t("placements.secretaries.fields.user_id")}
                description={users.data && userOptions.length === 0 ? t("placements.secretaries.noUsers") : undefined}
                data={userOptions}
                value={form.user_id}
                onChange={set("user_id")}
                searchable
                error={error("user_id")}
                withAsterisk
              />
            ) : (
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label={t("placements.secretaries.fields.full_name")}
                  value={person.full_name}
                  onChange={(event) => setPerson({ ...person, full_name: event.currentTarget.value })}
                  error={fieldError(createUser.error, "full_name")}
                  withAsterisk
                />
                <TextInput
                  label={t("placements.secretaries.fields.email")}
                  type="email"
                  value={person.email}
                  onChange={(event) => setPerson({ ...person, email: event.currentTarget.value })}
                  error={fieldError(createUser.error, "email")}
                  withAsterisk
                />
              </SimpleGrid>
            )}
          </Stack>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t("placements.board.pool")}
            data={(pools.data?.results ?? []).map((item) => ({ value: String(item.id), label: item.name }))}
            value={form.pool_id}
            onChange={set("pool_id")}
            allowDeselect={false}
            error={error("pool_id")}
            withAsterisk
          />
          <div />
          <DecimalInput
            label={t("placements.secretaries.fields.contract_hours")}
            value={form.contract_hours}
            onChange={set("contract_hours")}
            error={error("contract_hours")}
            withAsterisk
          />
          <DecimalInput
            label={t("placements.secretaries.fields.base_workload_hours")}
            description={t("placements.secretaries.baseHint")}
            value={form.base_workload_hours}
            onChange={set("base_workload_hours")}
            error={error("base_workload_hours")}
            withAsterisk
          />
          <TagsInput label={t("placements.fields.skills")} value={form.skills} onChange={set("skills")} error={error("skills")} />
          <TagsInput label={t("placements.fields.languages")} value={form.languages} onChange={set("languages")} error={error("languages")} />
          <DateInput
            label={t("placements.secretaries.fields.employment_start")}
            valueFormat="YYYY-MM-DD"
            value={form.employment_start}
            onChange={set("employment_start")}
            error={error("employment_start")}
            withAsterisk
          />
          <DateInput
            label={t("placements.secretaries.fields.employment_end")}
            valueFormat="YYYY-MM-DD"
            value={form.employment_end}
            onChange={set("employment_end")}
            error={error("employment_end")}
            clearable
          />
        </SimpleGrid>
        {!creating && (
          <Switch
            label={t("placements.secretaries.fields.active")}
            checked={form.active}
            onChange={(event) => set("active")(event.currentTarget.checked)}
            error={error("active")}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t("placements.cancel")}
          </Button>
          <Button type="submit" loading={pending}>
            {t("placements.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
