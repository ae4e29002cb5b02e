import { describe, expect, it } from "vitest";
import {
  ACCEPT,
  MAX_ATTACHMENT_BYTES,
  MAX_TOTAL_BYTES,
  kindOf,
  readAttachments,
  rejectionOf,
  type FileLike,
} from "./attachments";

function file(name: string, type: string, content: string | Uint8Array, size?: number): FileLike {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return {
    name,
    type,
    size: size ?? bytes.length,
    arrayBuffer: async () => bytes.slice().buffer,
  };
}

describe("kindOf", () => {
  it("takes images, PDFs and text, by type or (for untyped files) by name", () => {
    expect(kindOf({ name: "a.png", type: "image/png" })).toBe("image");
    expect(kindOf({ name: "a.pdf", type: "application/pdf" })).toBe("pdf");
    expect(kindOf({ name: "notes.txt", type: "text/plain" })).toBe("text");
    expect(kindOf({ name: "data.json", type: "application/json" })).toBe("text");
    expect(kindOf({ name: "main.py", type: "" })).toBe("text");
    expect(kindOf({ name: "Dockerfile.dockerfile", type: "application/octet-stream" })).toBe(
      "text",
    );
  });

  it("refuses what no model takes", () => {
    expect(kindOf({ name: "a.zip", type: "application/zip" })).toBeNull();
    expect(kindOf({ name: "a.svg", type: "image/svg+xml" })).toBeNull();
    expect(kindOf({ name: "blob", type: "" })).toBeNull();
  });
});

describe("rejectionOf", () => {
  it("says why a file is too large, alone or with the others", () => {
    expect(
      rejectionOf({ name: "big.png", type: "image/png", size: MAX_ATTACHMENT_BYTES + 1 }, 0),
    ).toMatch(/at most 10\.0 MB/);
    expect(rejectionOf({ name: "b.png", type: "image/png", size: 1000 }, MAX_TOTAL_BYTES)).toMatch(
      /Together/,
    );
    expect(rejectionOf({ name: "a.zip", type: "application/zip", size: 10 }, 0)).toMatch(
      /cannot be attached/,
    );
    expect(rejectionOf({ name: "ok.png", type: "image/png", size: 10 }, 0)).toBeNull();
  });
});

describe("readAttachments", () => {
  it("turns files into data URLs and reports the ones left out", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const { added, rejected } = await readAttachments(
      [
        file("dot.png", "image/png", png),
        file("a.zip", "application/zip", "PK"),
        file("n.py", "", "print(1)\n"),
      ],
      [],
    );
    expect(added.map((a) => [a.filename, a.kind, a.mime])).toEqual([
      ["dot.png", "image", "image/png"],
      ["n.py", "text", "text/plain"],
    ]);
    expect(added[0]!.url).toBe("data:image/png;base64,iVBORw==");
    expect(atob(added[1]!.url.split(",")[1]!)).toBe("print(1)\n");
    expect(rejected).toEqual([
      { filename: "a.zip", reason: expect.stringMatching(/cannot be attached/) },
    ]);
  });

  it("counts what is already attached against the total", async () => {
    const existing = [
      {
        id: "x",
        filename: "x.png",
        mime: "image/png",
        kind: "image" as const,
        size: MAX_TOTAL_BYTES - 2,
        url: "",
      },
    ];
    const { added, rejected } = await readAttachments(
      [file("y.png", "image/png", "abcd")],
      existing,
    );
    expect(added).toEqual([]);
    expect(rejected[0]!.reason).toMatch(/Together/);
  });
});

describe("ACCEPT", () => {
  it("offers what kindOf takes in the file picker", () => {
    const accepted = ACCEPT.split(",");
    for (const item of ["image/png", "image/webp", "application/pdf", "text/*", ".py", ".yaml"]) {
      expect(accepted).toContain(item);
    }
    for (const ext of accepted.filter((item) => item.startsWith("."))) {
      expect(kindOf({ name: `a${ext}`, type: "" })).toBe("text");
    }
  });
});

describe("too large", () => {
  it("says the size in bytes when it rounds to the limit", () => {
    const reason = rejectionOf(
      { name: "a.txt", type: "text/plain", size: MAX_ATTACHMENT_BYTES + 1 },
      0,
    );
    expect(reason).toBe("It is 10,485,761 bytes; one attachment can be at most 10.0 MB.");
  });
});
