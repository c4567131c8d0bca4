// Tenant approver: approval inbox (pending sheets with their entries), bulk approve, reject with a reason.
import type { Feature } from "../../app/feature";
import { hasRole } from "../auth/api";
import { ApprovalInboxPage } from "./ApprovalInboxPage";
import { en, nl } from "./messages";

export const approvalsFeature: Feature = {
  key: "approvals",
  messages: { en, nl },
  nav: (me) => (hasRole(me, "client_approver") ? [{ to: "/approvals", label: "approvals.nav" }] : []),
  routes: (me) => (hasRole(me, "client_approver") ? [{ path: "/approvals", element: <ApprovalInboxPage /> }] : []),
  home: (me) => (hasRole(me, "client_approver") ? "/approvals" : null),
};
