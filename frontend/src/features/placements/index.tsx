// Team manager: pool board (secretaries x next 12 weeks, free hours heat-map, placements as bars), availability search -> place wizard, clients and secretaries lists and forms.
import type { Feature } from "../../app/feature";
import { hasRole } from "../auth/api";
import { BoardPage } from "./BoardPage";
import { ClientsPage } from "./ClientsPage";
import { en, nl } from "./messages";
import { PlacePage } from "./PlacePage";
import { SecretariesPage } from "./SecretariesPage";

export const placementsFeature: Feature = {
  key: "placements",
  messages: { en, nl },
  nav: (me) =>
    hasRole(me, "team_manager")
      ? [
          { to: "/board", label: "placements.nav.board" },
          { to: "/place", label: "placements.nav.place" },
          { to: "/clients", label: "placements.nav.clients" },
          { to: "/secretaries", label: "placements.nav.secretaries" },
        ]
      : [],
  routes: (me) =>
    hasRole(me, "team_manager")
      ? [
          { path: "/board", element: <BoardPage /> },
          { path: "/place", element: <PlacePage /> },
          { path: "/clients", element: <ClientsPage /> },
          { path: "/secretaries", element: <SecretariesPage /> },
        ]
      : [],
  home: (me) => (hasRole(me, "team_manager") ? "/board" : null),
};
