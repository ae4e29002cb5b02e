import { describe, expect, it } from "vitest";
import {
  agentColor,
  buildCatalog,
  defaultAgentName,
  nextAgent,
  nextVariant,
  primaryAgents,
  pruneChoice,
  resolveModel,
  searchCatalog,
  type ProviderList,
} from "./models";

const LIST: ProviderList = {
  all: [
    {
      id: "opencode",
      name: "OpenCode Zen",
      env: ["OPENCODE_API_KEY"],
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
          limit: { context: 128000, output: 8192 },
        },
        "demo-two": { id: "demo-two", name: "Demo two" },
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

describe("buildCatalog details", () => {
  it("keeps deprecated models for figures, limits and the env hint", () => {
    const catalog = buildCatalog(LIST);
    expect(catalog.byKey.has("opencode/old")).toBe(false);
    expect(catalog.known.get("opencode/old")).toMatchObject({ name: "Old one", deprecated: true });
    expect(catalog.byKey.get("demo/demo-model")!.limit).toEqual({ context: 128000, output: 8192 });
    expect(catalog.groups.find((g) => g.providerID === "opencode")!.env).toEqual([
      "OPENCODE_API_KEY",
    ]);
    expect(catalog.groups[0]!.models.map((m) => m.name)).toEqual(["Demo model", "Demo two"]);
  });
});

describe("resolveModel", () => {
  const catalog = buildCatalog(LIST, "demo/demo-model");
  it("uses the user's choice while its provider is connected", () => {
    expect(resolveModel(catalog, "demo/demo-two")).toMatchObject({
      source: "chosen",
      model: { name: "Demo two" },
    });
    // A provider without credentials is never used, whatever was stored.
    expect(resolveModel(catalog, "opencode/big-pickle")!.source).toBe("default");
  });
  it("falls back on the agent's pinned model, then the default", () => {
    const pinned = { providerID: "demo", modelID: "demo-two" };
    expect(resolveModel(catalog, "", pinned)).toMatchObject({ source: "agent" });
    expect(
      resolveModel(catalog, "gone/x", { providerID: "opencode", modelID: "big-pickle" }),
    ).toMatchObject({ source: "default", model: { key: "demo/demo-model" } });
    expect(resolveModel(buildCatalog({ ...LIST, connected: [] }), "")).toBeNull();
  });
});

describe("agents", () => {
  const agents = [
    { name: "build", mode: "primary" },
    { name: "compaction", mode: "primary", hidden: true },
    { name: "explore", mode: "subagent" },
    { name: "plan", mode: "primary", color: "#aa33ff" },
    { name: "docs", mode: "all", color: "warning" },
  ];
  it("lists primary and all-mode agents that are not hidden", () => {
    expect(primaryAgents(agents).map((a) => a.name)).toEqual(["build", "plan", "docs"]);
  });
  it("names the default: the config's, else the first", () => {
    const primary = primaryAgents(agents);
    expect(defaultAgentName(primary, "plan")).toBe("plan");
    expect(defaultAgentName(primary, "explore")).toBe("build");
    expect(defaultAgentName([], undefined)).toBe("");
  });
  it("cycles both ways, wrapping around", () => {
    const names = ["build", "plan", "docs"];
    expect(nextAgent(names, "build", 1)).toBe("plan");
    expect(nextAgent(names, "docs", 1)).toBe("build");
    expect(nextAgent(names, "build", -1)).toBe("docs");
    expect(nextAgent(names, "gone", 1)).toBe("build");
    expect(nextAgent(names, "gone", -1)).toBe("docs");
    expect(nextAgent([], "build", 1)).toBe("");
  });
  it("colours: hex as given, theme names mapped, else the palette by place", () => {
    expect(agentColor(agents[3]!, 1)).toBe("#aa33ff");
    expect(agentColor(agents[4]!, 2)).toBe("var(--pending)");
    expect(agentColor(agents[0]!, 0)).toBe("var(--agent-1)");
    expect(agentColor({ name: "x", mode: "primary", color: "red; background: url(x)" }, 7)).toBe(
      "var(--agent-2)",
    );
  });
});

describe("stored choice", () => {
  const agents = [
    { name: "build", mode: "primary" },
    { name: "plan", mode: "primary" },
    { name: "pinned", mode: "primary", model: { providerID: "demo", modelID: "demo-two" } },
  ];

  it("drops what the server no longer has", () => {
    const catalog = buildCatalog(LIST);
    expect(
      pruneChoice(
        { model: "opencode/big-pickle", agent: "gone", variant: "high" },
        catalog,
        agents,
        "build",
      ),
    ).toEqual({ variant: "high" });
    expect(
      pruneChoice(
        { model: "demo/demo-two", agent: "plan", variant: "high" },
        catalog,
        agents,
        "build",
      ),
    ).toEqual({ model: "demo/demo-two", agent: "plan" });
    // A disabled variant is not offered.
    expect(pruneChoice({ variant: "off" }, catalog, agents, "build")).toEqual({});
  });

  it("judges the effort by the model the prompt would go to", () => {
    const catalog = buildCatalog(LIST);
    // The default model offers "low"; the agent's pinned model offers nothing.
    expect(pruneChoice({ variant: "low" }, catalog, agents, "build")).toEqual({ variant: "low" });
    expect(pruneChoice({ variant: "low" }, catalog, agents, "pinned")).toEqual({});
    expect(pruneChoice({ agent: "pinned", variant: "low" }, catalog, agents, "build")).toEqual({
      agent: "pinned",
    });
  });
});
