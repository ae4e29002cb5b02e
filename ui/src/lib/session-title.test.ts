import { describe, expect, it } from "vitest";
import { clockTime, displayTitle, isPlaceholderTitle } from "./session-title";

describe("displayTitle", () => {
  it("makes OpenCode's placeholder readable, in local time", () => {
    const iso = "2026-12-01T14:26:20.146Z";
    const expected = `New session · ${clockTime(Date.parse(iso))}`;
    expect(displayTitle({ title: `New session - ${iso}` })).toBe(expected);
    expect(displayTitle({ title: `Child session - ${iso}` })).toMatch(
      /^Child session · \d\d:\d\d$/,
    );
  });

  it("keeps a real title as it is", () => {
    expect(displayTitle({ title: "Fox story" })).toBe("Fox story");
    expect(displayTitle({ title: "New session - not a date" })).toBe("New session - not a date");
    expect(displayTitle({ title: "  Spaced  " })).toBe("Spaced");
  });

  it("names an untitled session by when it started", () => {
    const created = new Date(2026, 11, 1, 9, 5).getTime();
    expect(displayTitle({ title: "", time: { created } })).toBe("New session · 09:05");
    expect(displayTitle({})).toBe("Untitled session");
  });

  it("tells the placeholder apart", () => {
    expect(isPlaceholderTitle("New session - 2026-12-01T14:26:20.146Z")).toBe(true);
    expect(isPlaceholderTitle("Fox story")).toBe(false);
  });
});

describe("clockTime", () => {
  it("pads hours and minutes, 24-hour", () => {
    expect(clockTime(new Date(2026, 0, 2, 7, 3).getTime())).toBe("07:03");
    expect(clockTime(new Date(2026, 0, 2, 23, 59).getTime())).toBe("23:59");
  });
});
