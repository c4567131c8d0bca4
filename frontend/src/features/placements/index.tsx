// Team manager: pool board (secretaries x next 12 weeks, free hours heat-map, placements as bars), availability search -> place wizard, clients and secretaries lists and forms.
import type { Feature } from "../../app/feature";
import { en, nl } from "./messages";

export const placementsFeature: Feature = {
  key: "placements",
  messages: { en, nl },
  nav: () => [],
  routes: () => [],
};
