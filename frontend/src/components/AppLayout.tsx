import { AppShell, Badge, Burger, Button, Group, NavLink, SegmentedControl, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import type { ReactNode } from "react";
import { Link, useLocation } from "react-router-dom";

import type { Me } from "../api/client";
import { FEATURES } from "../app/features";
import { useLogout } from "../features/auth/api";
import { setLanguage, useLanguage } from "../i18n";

export function AppLayout({ me, children }: { me: Me; children: ReactNode }) {
  const { t, language } = useLanguage();
  const [opened, { toggle }] = useDisclosure();
  const logout = useLogout();
  const location = useLocation();
  const items = FEATURES.flatMap((feature) => feature.nav(me));
  // the entry whose path is the longest prefix of the page's (/timesheets/overview is not /timesheets)
  const active = items
    .filter((item) => location.pathname === item.to || location.pathname.startsWith(`${item.to}/`))
    .sort((a, b) => b.to.length - a.to.length)[0]?.to;

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="menu" />
            <Text fw={700} component={Link} to="/">
              {t("app.name")}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <SegmentedControl
              size="xs"
              aria-label={t("app.language")}
              value={language}
              onChange={(value) => setLanguage(value === "nl" ? "nl" : "en")}
              data={[
                { value: "nl", label: "NL" },
                { value: "en", label: "EN" },
              ]}
            />
            <Text size="sm" visibleFrom="sm">
              {me.full_name}
            </Text>
            <Button size="xs" variant="default" onClick={() => logout.mutate()} loading={logout.isPending}>
              {t("app.logout")}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <Group gap={4} mb="sm">
          {me.roles.map((role) => (
            <Badge key={role} variant="light" size="sm">
              {t(`roles.${role}`)}
            </Badge>
          ))}
        </Group>
        {items.map((item) => (
          <NavLink key={item.to} component={Link} to={item.to} label={t(item.label)} active={item.to === active} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
