import type { Feature } from "../../app/feature";
import { hasRole } from "../auth/api";
import { DashboardPage } from "./DashboardPage";
import { en, nl } from "./messages";

export const dashboardFeature: Feature = {
  key: "dashboard",
  messages: { en, nl },
  nav: (me) => (hasRole(me, "director", "finance", "team_manager") ? [{ to: "/dashboard", label: "dashboard.nav" }] : []),
  routes: (me) => (hasRole(me, "director", "finance", "team_manager") ? [{ path: "/dashboard", element: <DashboardPage /> }] : []),
  home: (me) => (hasRole(me, "director") ? "/dashboard" : null),
};
