// Secretary: week grid per placement (enter, save, submit), rejected sheets with the reason. Team manager: timesheet overview with status filters.
import type { Feature } from "../../app/feature";
import { en, nl } from "./messages";

export const timesheetsFeature: Feature = {
  key: "timesheets",
  messages: { en, nl },
  nav: () => [],
  routes: () => [],
};
