// Tenant approver: approval inbox (pending sheets with their entries), bulk approve, reject with a reason.
import type { Feature } from "../../app/feature";
import { en, nl } from "./messages";

export const approvalsFeature: Feature = {
  key: "approvals",
  messages: { en, nl },
  nav: () => [],
  routes: () => [],
};
