import { describe, expect, it } from "vitest";

import { formatDate, formatHours, formatMoney, formatMonth, formatRatio } from "./format";

// Intl writes a narrow no-break space in some places; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("money", () => {
  it("writes euros as English does", () => {
    expect(plain(formatMoney("1234.5", "en"))).toBe("€1,234.50");
    expect(plain(formatMoney("-110.00", "en"))).toBe("-€110.00");
  });
  it("writes euros as Dutch does", () => {
    expect(plain(formatMoney("1234.5", "nl"))).toBe("€ 1.234,50");
    expect(plain(formatMoney("-110.00", "nl"))).toBe("€ -110,00");
  });
  it("keeps the decimal string exact (no float rounding)", () => {
    expect(plain(formatMoney("20.125", "en"))).toBe("€20.13");
    expect(plain(formatMoney("12345678901234.99", "nl"))).toBe("€ 12.345.678.901.234,99");
  });
  it("shows a dash for nothing", () => {
    expect(formatMoney(null, "en")).toBe("–");
  });
});

describe("hours and ratios", () => {
  it("writes hours with two decimals", () => {
    expect(formatHours("1032", "en")).toBe("1,032.00");
    expect(formatHours("1032", "nl")).toBe("1.032,00");
  });
  it("writes a ratio as a percentage", () => {
    expect(plain(formatRatio("0.8123", "en"))).toBe("81.2%");
    expect(plain(formatRatio("0.8123", "nl"))).toBe("81,2%");
  });
});

describe("dates", () => {
  it("writes a day in each language", () => {
    expect(formatDate("2026-03-05", "en")).toBe("5 Mar 2026");
    expect(formatDate("2026-03-05", "nl")).toBe("5 mrt 2026");
  });
  it("writes a month in each language", () => {
    expect(formatMonth("2026-10", "en")).toBe("Oct 2026");
    expect(formatMonth("2026-10-01", "nl")).toBe("okt 2026");
  });
});
