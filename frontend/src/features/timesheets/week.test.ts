import { describe, expect, it } from "vitest";

import { addDays, isoWeekOf, mondayOf, parseWeek, shiftWeek, sundayOf } from "./week";

describe("ISO weeks", () => {
  it("finds the week of a date, across year ends", () => {
    expect(isoWeekOf("2026-03-02")).toBe("2026-W10");
    expect(isoWeekOf("2026-03-08")).toBe("2026-W10");
    expect(isoWeekOf("2024-12-30")).toBe("2025-W01");
    expect(isoWeekOf("2021-01-03")).toBe("2020-W53");
  });

  it("finds a week's Monday and Sunday and steps weeks", () => {
    expect(mondayOf("2026-W10")).toBe("2026-03-02");
    expect(sundayOf("2026-W10")).toBe("2026-03-08");
    expect(mondayOf("2025-W01")).toBe("2024-12-30");
    expect(shiftWeek("2026-W01", -1)).toBe("2025-W52");
    expect(shiftWeek("2020-W53", 1)).toBe("2021-W01");
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
  });

  it("refuses what is no week", () => {
    expect(parseWeek("2026-W54")).toBeNull();
    expect(parseWeek("2025-W53")).toBeNull();
    expect(parseWeek("2026-W53")).toEqual([2026, 53]); // 2026 starts on a Thursday
    expect(parseWeek("2020-W53")).toEqual([2020, 53]);
    expect(parseWeek("garbage")).toBeNull();
  });
});
