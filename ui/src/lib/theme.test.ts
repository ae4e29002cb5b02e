import { describe, expect, it } from "vitest";
import { loadTheme, parseTheme, THEME_KEY } from "./theme";

describe("theme choice", () => {
  it("reads light and dark, anything else is the system's", () => {
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("purple")).toBe("system");
    expect(parseTheme(null)).toBe("system");
  });

  it("loads from storage, and survives a storage that throws", () => {
    expect(loadTheme({ getItem: (key) => (key === THEME_KEY ? "dark" : null) })).toBe("dark");
    expect(loadTheme(null)).toBe("system");
    expect(
      loadTheme({
        getItem: () => {
          throw new Error("blocked");
        },
      }),
    ).toBe("system");
  });
});
