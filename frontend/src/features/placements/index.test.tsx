// i18n first: it reads every feature's messages when it loads, and src/app/features.ts reaches this feature's
// pages, which import i18n. Loading the feature first would meet i18n half-loaded (an import cycle).
import "../../i18n";

import { describe, expect, it } from "vitest";

import type { Me } from "../../api/client";
import { placementsFeature } from ".";

function me(roles: Me["roles"]): Me {
  return { id: 1, email: "tm@secondo.nl", full_name: "Tessa Manager", language: "en", roles, is_active: true, secretary_id: null, approver_client_ids: [], managed_pool_ids: [1] };
}

describe("placementsFeature", () => {
  it("gives team managers the board (their home), the wizard and the two lists", () => {
    const manager = me(["team_manager"]);
    expect(placementsFeature.nav(manager).map((item) => item.to)).toEqual(["/board", "/place", "/clients", "/secretaries"]);
    expect(placementsFeature.routes(manager).map((route) => route.path)).toEqual(["/board", "/place", "/clients", "/secretaries"]);
    expect(placementsFeature.home?.(manager)).toBe("/board");
  });

  it("gives other roles nothing", () => {
    const finance = me(["finance", "director"]);
    expect(placementsFeature.nav(finance)).toEqual([]);
    expect(placementsFeature.routes(finance)).toEqual([]);
    expect(placementsFeature.home?.(finance)).toBeNull();
  });
});
