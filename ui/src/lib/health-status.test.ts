import { describe, expect, it } from "vitest";
import { problem } from "../api/problems";
import { proxyUnreachable } from "./health-status";

describe("proxyUnreachable", () => {
  it("is true when nothing answered, or a gateway answered for the proxy", () => {
    expect(proxyUnreachable(problem("service", "no answer"))).toBe(true);
    expect(proxyUnreachable(problem("server", "", { status: 502 }))).toBe(true);
    expect(proxyUnreachable(problem("server", "", { status: 504 }))).toBe(true);
  });

  it("is false when the proxy answered about the server", () => {
    const refused = problem("unreachable", "refused", {
      status: 502,
      code: "upstream_unreachable",
    });
    expect(proxyUnreachable(refused)).toBe(false);
    expect(proxyUnreachable(problem("auth", "", { status: 401 }))).toBe(false);
    expect(proxyUnreachable(problem("server", "", { status: 500 }))).toBe(false);
    expect(proxyUnreachable(problem("unreachable", "The server did not answer within 6 s."))).toBe(
      false,
    );
  });
});
