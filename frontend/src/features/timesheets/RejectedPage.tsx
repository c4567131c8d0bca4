// /timesheets/rejected: the rejected sheets on a page of their own (the week grid shows them too).
import { Stack, Title } from "@mantine/core";
import { useNavigate } from "react-router-dom";

import { useLanguage } from "../../i18n";
import { secretaryOf } from "./api";
import { RejectedSheets, weekToFix } from "./RejectedSheets";

export function RejectedPage({ own }: { own: boolean }) {
  const { t } = useLanguage();
  const navigate = useNavigate();
  return (
    <Stack>
      <Title order={2}>{t("timesheets.rejected.pageTitle")}</Title>
      <RejectedSheets
        secretaryId={null}
        showEmpty
        showSecretary={!own}
        onOpen={(sheet) => {
          const search = new URLSearchParams({ week: weekToFix(sheet) });
          const { id } = secretaryOf(sheet);
          if (!own && id !== null) search.set("secretary", String(id));
          navigate(`/timesheets?${search.toString()}`);
        }}
      />
    </Stack>
  );
}
