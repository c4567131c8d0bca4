import { Anchor, Center, Loader, Stack, Text, Title } from "@mantine/core";
import { Navigate, Route, Routes } from "react-router-dom";

import { FEATURES } from "./app/features";
import { AppLayout } from "./components/AppLayout";
import { useMe } from "./features/auth/api";
import { LoginPage } from "./features/auth/LoginPage";
import { useLanguage } from "./i18n";

function Home({ name }: { name: string }) {
  const { t } = useLanguage();
  return (
    <Stack>
      <Title order={2}>{t("home.title", { name })}</Title>
      <Text>{t("home.nothing")}</Text>
      <Anchor href="/api/docs/">{t("home.docs")}</Anchor>
    </Stack>
  );
}

export function App() {
  const me = useMe();
  if (me.isPending) {
    return (
      <Center mih="50vh">
        <Loader />
      </Center>
    );
  }
  if (!me.data) return <LoginPage />;
  const user = me.data;
  const home = FEATURES.map((feature) => feature.home?.(user) ?? null).find((path) => path !== null) ?? null;
  return (
    <AppLayout me={user}>
      <Routes>
        <Route path="/" element={home ? <Navigate to={home} replace /> : <Home name={user.full_name} />} />
        {FEATURES.flatMap((feature) => feature.routes(user)).map((route) => (
          <Route key={route.path} path={route.path} element={route.element} />
        ))}
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </AppLayout>
  );
}
