import { describe, expect, it } from "vitest";
import { base64Bytes, fileView, firstChangedLine, sizeText, TEXT_LIMIT } from "./file-view";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("fileView", () => {
  it("shows text as text, and says when a file is empty", () => {
    expect(fileView({ type: "text", content: "print(1)\n" })).toEqual({
      kind: "text",
      text: "print(1)\n",
    });
    expect(fileView({ type: "text", content: "" })).toEqual({ kind: "empty" });
    expect(fileView(undefined)).toEqual({ kind: "empty" });
  });

  it("shows an image from base64 content as a data: URL", () => {
    const view = fileView({
      type: "binary",
      content: PNG,
      encoding: "base64",
      mimeType: "image/png",
    });
    expect(view).toEqual({
      kind: "image",
      url: `data:image/png;base64,${PNG}`,
      mime: "image/png",
      bytes: 70,
    });
  });

  it("never makes an image of anything else", () => {
    // Not base64: an injection attempt stays a binary file.
    expect(
      fileView({
        type: "binary",
        content: 'x" onerror="y',
        encoding: "base64",
        mimeType: "image/png",
      }).kind,
    ).toBe("binary");
    // A type that is not an image.
    expect(
      fileView({ type: "binary", content: PNG, encoding: "base64", mimeType: "text/html" }).kind,
    ).toBe("binary");
    // Without base64, nothing is decoded.
    expect(
      fileView({ type: "binary", content: "https://example.invalid/a.png", mimeType: "image/png" })
        .kind,
    ).toBe("binary");
  });

  it("names a binary file's type and size", () => {
    expect(
      fileView({
        type: "binary",
        content: "AAAA",
        encoding: "base64",
        mimeType: "application/octet-stream",
      }),
    ).toEqual({
      kind: "binary",
      mime: "application/octet-stream",
      bytes: 3,
    });
  });

  it("does not lay out a text that is too large", () => {
    const view = fileView({ type: "text", content: "x".repeat(TEXT_LIMIT + 1) });
    expect(view).toEqual({ kind: "large", bytes: TEXT_LIMIT + 1 });
  });
});

describe("sizes", () => {
  it("counts base64 bytes and says sizes", () => {
    expect(base64Bytes("AAAA")).toBe(3);
    expect(base64Bytes("AA==")).toBe(1);
    expect(sizeText(12)).toBe("12 B");
    expect(sizeText(3500)).toBe("3.4 KB");
    expect(sizeText(3_000_000)).toBe("2.9 MB");
  });
});

describe("firstChangedLine", () => {
  it("finds the first added or deleted line of a patch in the new file", () => {
    const patch = [
      "--- a/hello.py",
      "+++ b/hello.py",
      "@@ -6,7 +6,7 @@",
      " ",
      " ",
      " def main() -> None:",
      '-    print("Hello, world!")',
      '+    print("Hello, files!")',
      " ",
    ].join("\n");
    expect(firstChangedLine(patch)).toBe(9);
    expect(firstChangedLine("@@ -0,0 +1,3 @@\n+a\n+b\n+c")).toBe(1);
    expect(firstChangedLine("no hunk here")).toBeUndefined();
  });
});
