// Any report table of the API (typed columns, rows of strings): formatted by column kind, never summed here.
import { Button, Group, Menu, Paper, ScrollArea, Table, Text, Title } from "@mantine/core";

import type { Schemas } from "../api/client";
import { useLanguage } from "../i18n";
import { formatDate, formatHours, formatMoney, formatMonth, formatRatio, type Language } from "../lib/format";

export type ReportTableData = Schemas["Table"];
type Kind = Schemas["TableColumnKindEnum"];

export function formatCell(value: unknown, kind: Kind, language: Language): string {
  if (value === null || value === undefined) return "–";
  const text = String(value);
  switch (kind) {
    case "money":
      return formatMoney(text, language);
    case "hours":
      return formatHours(text, language);
    case "ratio":
      return formatRatio(text, language);
    case "date":
      return formatDate(text, language);
    case "month":
      return formatMonth(text, language);
    default:
      return text;
  }
}

const NUMERIC: Kind[] = ["money", "hours", "ratio", "integer"];

export function ReportTable({
  table,
  title,
  limit,
  hide = [],
  exportQuery,
}: {
  table: ReportTableData;
  title?: string;
  limit?: number;
  hide?: string[];
  exportQuery?: string; // the period and pool, e.g. "start=2026-01&end=2026-12"
}) {
  const { t, language } = useLanguage();
  const columns = table.columns.filter((column) => !hide.includes(column.key) && !column.key.endsWith("_id"));
  const rows = limit ? table.rows.slice(0, limit) : table.rows;
  const href = (format: string) => `/api/v1/dashboard/export/?table=${table.name}&file_format=${format}&${exportQuery ?? ""}`;
  return (
    <Paper withBorder p="md" data-testid={`table-${table.name}`}>
      <Group justify="space-between" mb="xs">
        <Title order={4}>{title ?? table.title}</Title>
        {exportQuery !== undefined && (
          <Menu>
            <Menu.Target>
              <Button size="xs" variant="default">
                {t("dashboard.export")}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item component="a" href={href("csv")}>
                CSV
              </Menu.Item>
              <Menu.Item component="a" href={href("xlsx")}>
                XLSX
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      {rows.length === 0 ? (
        <Text c="dimmed">{t("dashboard.empty")}</Text>
      ) : (
        <ScrollArea>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                {columns.map((column) => (
                  <Table.Th key={column.key} ta={NUMERIC.includes(column.kind) ? "right" : "left"}>
                    {column.label}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row, index) => (
                <Table.Tr key={index}>
                  {columns.map((column) => (
                    <Table.Td key={column.key} ta={NUMERIC.includes(column.kind) ? "right" : "left"}>
                      {formatCell(row[column.key], column.kind, language)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Paper>
  );
}
