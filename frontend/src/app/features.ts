// Every feature folder of the app, in navigation order.
import { approvalsFeature } from "../features/approvals";
import { dashboardFeature } from "../features/dashboard";
import { invoicesFeature } from "../features/invoices";
import { placementsFeature } from "../features/placements";
import { timesheetsFeature } from "../features/timesheets";
import { addFeatureMessages } from "../i18n";
import type { Feature } from "./feature";

export const FEATURES: Feature[] = [dashboardFeature, placementsFeature, timesheetsFeature, approvalsFeature, invoicesFeature];

addFeatureMessages(FEATURES);
