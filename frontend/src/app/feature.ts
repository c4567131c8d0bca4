// A feature folder's contribution to the app: its messages (en and nl), its navigation and its routes.
// Each features/<name>/index.tsx exports one; src/app/features.ts lists them. Nothing else needs editing
// to add a screen.
import type { ReactElement } from "react";

import type { Me } from "../api/client";

export interface NavItem {
  to: string;
  /** an i18n key, e.g. "timesheets.nav" */
  label: string;
}

export interface FeatureRoute {
  /** a react-router path, e.g. "/timesheets" or "/invoices/:id" */
  path: string;
  element: ReactElement;
}

export interface Feature {
  /** the key its messages live under: t("<key>.title") */
  key: string;
  messages: { en: Record<string, unknown>; nl: Record<string, unknown> };
  /** navigation entries for this user (none: the feature is not theirs) */
  nav: (me: Me) => NavItem[];
  routes: (me: Me) => FeatureRoute[];
  /** where this user lands on "/" (the first feature that says so wins) */
  home?: (me: Me) => string | null;
}
