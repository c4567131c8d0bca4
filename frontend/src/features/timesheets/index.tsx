// Secretary: week grid per placement (enter, save, submit), rejected sheets with the reason. Team manager: timesheet overview with status filters.
import type { Feature, FeatureRoute, NavItem } from "../../app/feature";
import { hasRole } from "../auth/api";
import { en, nl } from "./messages";
import { OverviewPage } from "./OverviewPage";
import { RejectedPage } from "./RejectedPage";
import { WeekGridPage } from "./WeekGridPage";

export const timesheetsFeature: Feature = {
  key: "timesheets",
  messages: { en, nl },
  nav: (me) => {
    const items: NavItem[] = [];
    if (hasRole(me, "secretary")) items.push({ to: "/timesheets", label: "timesheets.nav" });
    if (hasRole(me, "team_manager")) items.push({ to: "/timesheets/overview", label: "timesheets.navOverview" });
    return items;
  },
  routes: (me) => {
    const routes: FeatureRoute[] = [];
    // A team manager opens a secretary's week from the overview (and may save and submit it for them).
    if (hasRole(me, "secretary", "team_manager")) {
      routes.push(
        { path: "/timesheets", element: <WeekGridPage me={me} /> },
        { path: "/timesheets/rejected", element: <RejectedPage own={!hasRole(me, "team_manager")} /> },
      );
    }
    if (hasRole(me, "team_manager")) routes.push({ path: "/timesheets/overview", element: <OverviewPage /> });
    return routes;
  },
  home: (me) => (hasRole(me, "secretary") ? "/timesheets" : null),
};
