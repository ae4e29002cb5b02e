import { describe, expect, it } from "vitest";
import { dayLabel, filterByTitle, groupByDay, newestFirst, type Dated } from "./session-groups";

const at = (y: number, m: number, d: number, h = 12, min = 0) =>
  new Date(y, m - 1, d, h, min).getTime();

function session(id: string, title: string, updated: number): Dated {
  return { id, title, time: { created: updated - 1000, updated } };
}

describe("dayLabel", () => {
  const now = at(2026, 12, 1, 9);

  it("names today and yesterday by calendar day", () => {
    expect(dayLabel(at(2026, 12, 1, 0, 1), now)).toBe("Today");
    expect(dayLabel(at(2026, 11, 30, 23, 59), now)).toBe("Yesterday");
    expect(dayLabel(at(2026, 11, 30, 0, 0), now)).toBe("Yesterday");
  });

  it("dates older days, with the year only when it differs", () => {
    expect(dayLabel(at(2026, 11, 27), now)).toBe("Fri 27 Nov");
    expect(dayLabel(at(2025, 11, 27), now)).toBe("27 Nov 2025");
  });
});

describe("groupByDay", () => {
  it("orders newest first and groups by day", () => {
    const now = at(2026, 12, 1, 18);
    const list = [
      session("ses_a", "Old", at(2026, 11, 20)),
      session("ses_b", "Morning", at(2026, 12, 1, 8)),
      session("ses_c", "Evening", at(2026, 12, 1, 17)),
      session("ses_d", "Last night", at(2026, 11, 30, 22)),
    ];
    const groups = groupByDay(list, now);
    expect(groups.map((g) => g.label)).toEqual(["Today", "Yesterday", "Fri 20 Nov"]);
    expect(groups[0]!.items.map((s) => s.title)).toEqual(["Evening", "Morning"]);
    expect(groups[0]!.key).toBe("2026-12-01");
  });

  it("is empty for no sessions", () => {
    expect(groupByDay([], Date.now())).toEqual([]);
  });

  it("breaks ties by ID, newest first", () => {
    const same = at(2026, 12, 1);
    expect(newestFirst(session("ses_1", "", same), session("ses_2", "", same))).toBe(1);
  });
});

describe("filterByTitle", () => {
  const list = [
    session("ses_1", "Fix the Café menu", 3),
    session("ses_2", "Write tests", 2),
    session("ses_3", "New session - 2026-12-01T14:26:20.146Z", 1),
  ];

  it("matches every word, any case and accents", () => {
    expect(filterByTitle(list, "cafe FIX").map((s) => s.id)).toEqual(["ses_1"]);
    expect(filterByTitle(list, "tests write").map((s) => s.id)).toEqual(["ses_2"]);
    expect(filterByTitle(list, "zebra")).toEqual([]);
  });

  it("searches the shown title, and an empty query keeps all", () => {
    expect(filterByTitle(list, "new session").map((s) => s.id)).toEqual(["ses_3"]);
    expect(filterByTitle(list, "2026-12-01T")).toEqual([]);
    expect(filterByTitle(list, "  ")).toHaveLength(3);
  });
});
