import { describe, expect, it } from "vitest";
import { accountConfigSchema, configKeys, defaultAccountConfig } from "./account-config.js";

describe("account configuration", () => {
  it("defaults to the seed constants", () => {
    const c = defaultAccountConfig();
    expect(c.mode).toBe("shadow");
    expect(c.ignoranceZoneDays).toBe(2);
    expect(c.ignoranceZoneSpend).toBe(100);
    expect(c.minSpendBeforeKill).toBe(200);
    expect(c.killRoas).toBe(0.5);
    expect(c.scaleRoas).toBe(3);
    expect(c.guardrails.maxChangePerProposal).toBe(0.05);
    expect(c.guardrails.maxChangePerDay).toBe(0.1);
    expect(c.guardrails.velocity6h).toBe(0.2);
    expect(c.guardrails.budgetFuzz.enabled).toBe(false);
    expect(configKeys(c)).toContain("guardrails.velocity24h");
  });
  it("rejects unknown keys and out-of-range values", () => {
    expect(accountConfigSchema.safeParse({ mode: "yolo" }).success).toBe(false);
    expect(accountConfigSchema.safeParse({ bogus: 1 }).success).toBe(false);
  });
});
