// Finance: invoice run (month, preview drafts, manual line, finalise the selected), invoices with status, record a bank payment, credit note. Approver: invoices with PDF download and a Pay button when Stripe is on.
import type { Feature } from "../../app/feature";
import { en, nl } from "./messages";

export const invoicesFeature: Feature = {
  key: "invoices",
  messages: { en, nl },
  nav: () => [],
  routes: () => [],
};
