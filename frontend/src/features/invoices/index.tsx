// Finance: invoice run (month, preview drafts, manual line, finalise the selected), invoices with status, record a bank payment, credit note. Approver: invoices with PDF download and a Pay button when Stripe is on.
import type { Feature } from "../../app/feature";
import { hasRole } from "../auth/api";
import { InvoiceDetailPage } from "./InvoiceDetailPage";
import { InvoiceRunPage } from "./InvoiceRunPage";
import { InvoicesPage } from "./InvoicesPage";
import { en, nl } from "./messages";

export const invoicesFeature: Feature = {
  key: "invoices",
  messages: { en, nl },
  nav: (me) => [
    ...(hasRole(me, "finance") ? [{ to: "/invoices/run", label: "invoices.run.nav" }] : []),
    ...(hasRole(me, "finance", "client_approver") ? [{ to: "/invoices", label: "invoices.nav" }] : []),
  ],
  routes: (me) => [
    ...(hasRole(me, "finance") ? [{ path: "/invoices/run", element: <InvoiceRunPage /> }] : []),
    ...(hasRole(me, "finance", "client_approver")
      ? [
          { path: "/invoices", element: <InvoicesPage me={me} /> },
          { path: "/invoices/:id", element: <InvoiceDetailPage me={me} /> },
        ]
      : []),
  ],
  // An approver's approval inbox (listed earlier) wins when it claims the landing page.
  home: (me) => (hasRole(me, "finance", "client_approver") ? "/invoices" : null),
};
