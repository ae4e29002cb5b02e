import { describe, expect, it } from "vitest";
import { pointerMoved } from "./pointer";

describe("pointerMoved", () => {
  it("counts a change of position, not a move sent at the same place", () => {
    // The first move only says where the pointer is (after a reload it may rest on a list).
    expect(pointerMoved({ screenX: 5, screenY: 5 })).toBe(false);
    expect(pointerMoved({ screenX: 10, screenY: 20 })).toBe(true);
    expect(pointerMoved({ screenX: 10, screenY: 20 })).toBe(false);
    expect(pointerMoved({ screenX: 11, screenY: 20 })).toBe(true);
    expect(pointerMoved({ screenX: 11, screenY: 21 })).toBe(true);
    expect(pointerMoved({ screenX: 11, screenY: 21 })).toBe(false);
  });
});
