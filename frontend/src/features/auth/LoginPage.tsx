import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";

import { ApiFailure } from "../../api/client";
import { useLanguage } from "../../i18n";
import { useLogin } from "./api";

export function LoginPage() {
  const { t } = useLanguage();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const failure = login.error instanceof ApiFailure ? login.error : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ email, password });
  }

  return (
    <Center mih="80vh">
      <Paper withBorder shadow="sm" p="xl" w={380} component="form" onSubmit={submit}>
        <Stack>
          <Title order={2}>{t("login.title")}</Title>
          {failure && !Object.keys(failure.fields).length && <Alert color="red">{failure.message}</Alert>}
          <TextInput
            label={t("login.email")}
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={failure?.fields.email?.join(" ")}
          />
          <PasswordInput
            label={t("login.password")}
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={failure?.fields.password?.join(" ")}
          />
          <Button type="submit" loading={login.isPending}>
            {t("login.submit")}
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
