import { describe, expect, it } from "vitest";
import { clampSize, loadSize, saveSize, sizeForKey } from "./resize";

function memory(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    removeItem: (key: string) => void data.delete(key),
  } as Storage;
}

describe("clampSize", () => {
  it("keeps a size within its range, rounded", () => {
    expect(clampSize(500.4, { min: 320, max: 700 })).toBe(500);
    expect(clampSize(100, { min: 320, max: 700 })).toBe(320);
    expect(clampSize(900, { min: 320, max: 700 })).toBe(700);
  });

  it("never goes below the minimum, even when the window leaves less", () => {
    expect(clampSize(500, { min: 320, max: 200 })).toBe(320);
    expect(clampSize(Number.NaN, { min: 320, max: 700 })).toBe(320);
  });
});

describe("sizeForKey", () => {
  const range = { min: 100, max: 300 };
  it("steps toward and away from the panel, Home and End to the ends", () => {
    expect(sizeForKey("ArrowLeft", 200, range, 40, "ArrowLeft", "ArrowRight")).toBe(240);
    expect(sizeForKey("ArrowRight", 200, range, 40, "ArrowLeft", "ArrowRight")).toBe(160);
    expect(sizeForKey("ArrowLeft", 290, range, 40, "ArrowLeft", "ArrowRight")).toBe(300);
    expect(sizeForKey("Home", 200, range, 40, "ArrowUp", "ArrowDown")).toBe(100);
    expect(sizeForKey("End", 200, range, 40, "ArrowUp", "ArrowDown")).toBe(300);
  });

  it("ignores other keys", () => {
    expect(sizeForKey("ArrowLeft", 200, range, 40, "ArrowUp", "ArrowDown")).toBeUndefined();
    expect(sizeForKey("a", 200, range, 40, "ArrowUp", "ArrowDown")).toBeUndefined();
  });
});

describe("loadSize and saveSize", () => {
  it("keep a size and forget it", () => {
    const storage = memory();
    expect(loadSize(storage, "k")).toBeUndefined();
    expect(saveSize(storage, "k", 420.6)).toBe(true);
    expect(loadSize(storage, "k")).toBe(421);
    expect(saveSize(storage, "k", undefined)).toBe(true);
    expect(loadSize(storage, "k")).toBeUndefined();
  });

  it("ignore what is not a size", () => {
    const storage = memory();
    for (const bad of ["", "abc", "-5", "0", "1e9", "12px", "999999"]) {
      storage.setItem("k", bad);
      expect(loadSize(storage, "k")).toBeUndefined();
    }
  });

  it("survive a storage that refuses or is missing", () => {
    const refusing = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("quota");
      },
      removeItem: () => {},
    };
    expect(loadSize(refusing, "k")).toBeUndefined();
    expect(saveSize(refusing, "k", 300)).toBe(false);
    expect(loadSize(undefined, "k")).toBeUndefined();
    expect(saveSize(undefined, "k", 300)).toBe(false);
  });
});
