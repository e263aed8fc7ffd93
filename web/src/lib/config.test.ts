import { describe, expect, it } from "vitest";
import { flattenConfig, parseConfigInput } from "./config.js";

describe("config form", () => {
  it("flattens nested keys", () => {
    expect(
      flattenConfig({
        killRoas: 0.5,
        targetCac: null,
        guardrails: { velocity6h: 0.2, spendWarnFractions: [0.8, 0.95], budgetFuzz: { enabled: false } },
      }),
    ).toEqual([
      ["killRoas", "0.5"],
      ["targetCac", ""],
      ["guardrails.velocity6h", "0.2"],
      ["guardrails.spendWarnFractions", "[0.8,0.95]"],
      ["guardrails.budgetFuzz.enabled", "false"],
    ]);
  });

  it("parses edits into typed values", () => {
    expect(parseConfigInput({ a: "0.15", b: "true", c: "", d: "sigmoid", e: "[1,2]" })).toEqual({
      a: 0.15,
      b: true,
      c: null,
      d: "sigmoid",
      e: [1, 2],
    });
  });
});
