import { describe, expect, it } from "vitest";
import { buildCatalog, nextVariant, searchCatalog, type ProviderList } from "./models";

const LIST: ProviderList = {
  all: [
    {
      id: "opencode",
      name: "OpenCode Zen",
      models: {
        "big-pickle": { id: "big-pickle", name: "Big Pickle", variants: { high: {} } },
        old: { id: "old", name: "Old one", status: "deprecated" },
      },
    },
    {
      id: "demo",
      name: "Demo (offline)",
      models: {
        "demo-model": {
          id: "demo-model",
          name: "Demo model",
          variants: { low: {}, high: {}, off: { disabled: true } },
          capabilities: { reasoning: true, attachment: true },
          limit: { context: 128000 },
        },
      },
    },
  ],
  default: { opencode: "big-pickle", demo: "demo-model" },
  connected: ["demo"],
};

describe("buildCatalog", () => {
  it("puts connected providers first, drops deprecated models and disabled variants", () => {
    const catalog = buildCatalog(LIST);
    expect(catalog.groups.map((g) => [g.providerID, g.connected])).toEqual([
      ["demo", true],
      ["opencode", false],
    ]);
    expect(catalog.groups[1]!.models.map((m) => m.modelID)).toEqual(["big-pickle"]);
    const demo = catalog.byKey.get("demo/demo-model")!;
    expect(demo.variants).toEqual(["low", "high"]);
    expect(demo).toMatchObject({ reasoning: true, attachment: true, context: 128000 });
  });

  it("names the default: the config's model, else the first connected provider's", () => {
    expect(buildCatalog(LIST, "opencode/big-pickle").defaultKey).toBe("opencode/big-pickle");
    expect(buildCatalog(LIST).defaultKey).toBe("demo/demo-model");
    expect(buildCatalog(LIST, "gone/model").defaultKey).toBe("demo/demo-model");
    expect(buildCatalog({ ...LIST, connected: [] }).defaultKey).toBeNull();
  });
});

describe("searchCatalog", () => {
  it("matches every word against name, id and provider", () => {
    const groups = buildCatalog(LIST).groups;
    expect(searchCatalog(groups, "pickle").map((g) => g.providerID)).toEqual(["opencode"]);
    expect(searchCatalog(groups, "demo model").map((g) => g.models[0]!.modelID)).toEqual([
      "demo-model",
    ]);
    expect(searchCatalog(groups, "zen big")[0]!.models[0]!.modelID).toBe("big-pickle");
    expect(searchCatalog(groups, "nothing")).toEqual([]);
    expect(searchCatalog(groups, "  ")).toBe(groups);
  });
});

describe("nextVariant", () => {
  it("cycles through the variants and back to the model's default", () => {
    expect(nextVariant(["low", "high"], "")).toBe("low");
    expect(nextVariant(["low", "high"], "low")).toBe("high");
    expect(nextVariant(["low", "high"], "high")).toBe("");
    expect(nextVariant(["low", "high"], "gone")).toBe("low");
    expect(nextVariant([], "x")).toBe("");
  });
});
