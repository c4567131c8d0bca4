// Clients (tenants and internal clients): a searchable, paged list and a create/edit form in a Modal.
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  Group,
  Loader,
  Modal,
  MultiSelect,
  NumberInput,
  Pagination,
  Paper,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";

import { useLanguage } from "../../i18n";
import { pageCount, useClients, useSaveClient, useUsers, type Client, type ClientInput } from "./api";
import { fieldError, formError } from "./helpers";

const KINDS = ["tenant", "internal"] as const;
const VAT = ["standard", "reverse_charge", "none"] as const;
const PERIODS = ["monthly", "weekly"] as const;
const LANGUAGES = ["nl", "en"] as const;

export function ClientsPage() {
  const { t } = useLanguage();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Client | "new" | null>(null);
  const clients = useClients(q ? { q, page } : { page });

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("placements.clients.title")}</Title>
        <Group align="flex-end">
          <TextInput
            label={t("placements.search")}
            placeholder={t("placements.clients.searchHint")}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setPage(1);
            }}
            w={240}
          />
          <Button onClick={() => setEditing("new")}>{t("placements.clients.new")}</Button>
        </Group>
      </Group>
      {clients.error && <Alert color="red">{clients.error.message}</Alert>}
      {clients.isPending && <Loader aria-label={t("app.loading")} />}
      {clients.data && clients.data.results.length === 0 && (
        <EmptyState
          title={q ? t("placements.clients.noneFound") : t("placements.clients.emptyTitle")}
          description={q ? t("placements.searchOther") : t("placements.clients.empty")}
        />
      )}
      {clients.data && clients.data.results.length > 0 && (
        <Paper withBorder p="md">
          <ScrollArea>
            <Table striped highlightOnHover data-testid="clients-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("placements.clients.fields.legal_name")}</Table.Th>
                  <Table.Th>{t("placements.clients.fields.kind")}</Table.Th>
                  <Table.Th>{t("placements.clients.fields.city")}</Table.Th>
                  <Table.Th>{t("placements.clients.fields.billing_email")}</Table.Th>
                  <Table.Th>{t("placements.clients.fields.vat_treatment")}</Table.Th>
                  <Table.Th>{t("placements.clients.fields.approval_period")}</Table.Th>
                  <Table.Th>{t("placements.clients.fields.active")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {clients.data.results.map((client) => (
                  <Table.Tr key={client.id}>
                    <Table.Td>{client.legal_name}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={client.kind === "tenant" ? "blue" : "grape"}>
                        {t(`placements.clients.kinds.${client.kind}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{client.city}</Table.Td>
                    <Table.Td>{client.billing_email}</Table.Td>
                    <Table.Td>{t(`placements.clients.vat.${client.vat_treatment}`)}</Table.Td>
                    <Table.Td>{t(`placements.clients.periods.${client.approval_period ?? "monthly"}`)}</Table.Td>
                    <Table.Td>
                      <Badge variant="dot" color={client.active === false ? "gray" : "green"}>
                        {client.active === false ? t("placements.inactive") : t("placements.active")}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button size="xs" variant="default" onClick={() => setEditing(client)}>
                        {t("placements.edit")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {pageCount(clients.data.count) > 1 && (
            <Pagination mt="sm" total={pageCount(clients.data.count)} value={page} onChange={setPage} />
          )}
        </Paper>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" || editing === null ? t("placements.clients.new") : t("placements.clients.edit", { name: editing.legal_name })}
        size="xl"
      >
        {editing !== null && <ClientForm client={editing === "new" ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
    </Stack>
  );
}

type Form = Omit<ClientInput, "deemed_approval_days" | "approver_ids" | "payment_term_days"> & {
  payment_term_days: number | string;
  deemed_approval_days: number | string;
  approver_ids: string[];
};

function initial(client: Client | null): Form {
  return {
    kind: client?.kind ?? "tenant",
    legal_name: client?.legal_name ?? "",
    street: client?.street ?? "",
    postcode: client?.postcode ?? "",
    city: client?.city ?? "",
    country: client?.country ?? "NL",
    kvk_number: client?.kvk_number ?? "",
    vat_number: client?.vat_number ?? "",
    billing_email: client?.billing_email ?? "",
    payment_term_days: client?.payment_term_days ?? 30,
    invoice_language: client?.invoice_language ?? "nl",
    vat_treatment: client?.vat_treatment ?? "standard",
    cost_centre: client?.cost_centre ?? "",
    approval_period: client?.approval_period ?? "monthly",
    deemed_approval_days: client?.deemed_approval_days ?? "",
    approver_ids: (client?.approver_ids ?? []).map(String),
    active: client?.active ?? true,
  };
}

const FIELDS = Object.keys(initial(null));

export function ClientForm({ client, onDone }: { client: Client | null; onDone: () => void }) {
  const { t } = useLanguage();
  const [form, setForm] = useState<Form>(() => initial(client));
  const save = useSaveClient();
  const approvers = useUsers("is_client_approver");
  const set = <K extends keyof Form>(key: K) => (value: Form[K]) => setForm((current) => ({ ...current, [key]: value }));
  const text = (key: keyof Form) => ({
    label: t(`placements.clients.fields.${key}`),
    value: String(form[key] ?? ""),
    onChange: (event: { currentTarget: { value: string } }) => set(key)(event.currentTarget.value as never),
    error: fieldError(save.error, key),
  });
  const options = (values: readonly string[], group: string) => values.map((value) => ({ value, label: t(`placements.clients.${group}.${value}`) }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: ClientInput = {
      ...form,
      country: form.country.toUpperCase(),
      payment_term_days: form.payment_term_days === "" ? 30 : Number(form.payment_term_days),
      deemed_approval_days: form.deemed_approval_days === "" ? null : Number(form.deemed_approval_days),
      approver_ids: form.approver_ids.map(Number),
    };
    save.mutate(
      { id: client?.id ?? null, body },
      {
        onSuccess: (saved) => {
          notifications.show({ color: "green", message: t("placements.clients.saved", { name: saved.legal_name }) });
          onDone();
        },
      },
    );
  };
  const general = formError(save.error, FIELDS);

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {general && <Alert color="red">{general}</Alert>}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput {...text("legal_name")} withAsterisk />
          <Select
            label={t("placements.clients.fields.kind")}
            data={options(KINDS, "kinds")}
            value={form.kind}
            onChange={(value) => value && set("kind")(value as Form["kind"])}
            allowDeselect={false}
            error={fieldError(save.error, "kind")}
          />
          <TextInput {...text("street")} withAsterisk />
          <TextInput {...text("postcode")} withAsterisk />
          <TextInput {...text("city")} withAsterisk />
          <TextInput {...text("country")} maxLength={2} />
          <TextInput {...text("kvk_number")} />
          <TextInput {...text("vat_number")} />
          <TextInput {...text("billing_email")} type="email" withAsterisk />
          <TextInput {...text("cost_centre")} />
          <Select
            label={t("placements.clients.fields.vat_treatment")}
            data={options(VAT, "vat")}
            value={form.vat_treatment}
            onChange={(value) => value && set("vat_treatment")(value as Form["vat_treatment"])}
            allowDeselect={false}
            error={fieldError(save.error, "vat_treatment")}
          />
          <Select
            label={t("placements.clients.fields.invoice_language")}
            data={options(LANGUAGES, "languages")}
            value={form.invoice_language}
            onChange={(value) => value && set("invoice_language")(value as Form["invoice_language"])}
            allowDeselect={false}
            error={fieldError(save.error, "invoice_language")}
          />
          <NumberInput
            label={t("placements.clients.fields.payment_term_days")}
            value={form.payment_term_days}
            onChange={set("payment_term_days")}
            min={0}
            max={120}
            allowDecimal={false}
            error={fieldError(save.error, "payment_term_days")}
          />
          <Select
            label={t("placements.clients.fields.approval_period")}
            data={options(PERIODS, "periods")}
            value={form.approval_period}
            onChange={(value) => value && set("approval_period")(value as Form["approval_period"])}
            allowDeselect={false}
            error={fieldError(save.error, "approval_period")}
          />
          <NumberInput
            label={t("placements.clients.fields.deemed_approval_days")}
            description={t("placements.clients.deemedHint")}
            value={form.deemed_approval_days}
            onChange={set("deemed_approval_days")}
            min={0}
            max={60}
            allowDecimal={false}
            error={fieldError(save.error, "deemed_approval_days")}
          />
          <MultiSelect
            label={t("placements.clients.fields.approver_ids")}
            description={approvers.data && approvers.data.results.length === 0 ? t("placements.clients.noApprovers") : undefined}
            data={(approvers.data?.results ?? []).map((user) => ({ value: String(user.id), label: `${user.full_name} (${user.email})` }))}
            value={form.approver_ids}
            onChange={set("approver_ids")}
            searchable
            error={fieldError(save.error, "approver_ids")}
          />
        </SimpleGrid>
        <Switch
          label={t("placements.clients.fields.active")}
          checked={form.active}
          onChange={(event) => set("active")(event.currentTarget.checked)}
          error={fieldError(save.error, "active")}
        />
        <Text size="xs" c="dimmed">
          {t("placements.requiredHint")}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t("placements.cancel")}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t("placements.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
