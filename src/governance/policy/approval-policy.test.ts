import { describe, expect, it } from "vitest";
import { accountConfigSchema, defaultAccountConfig } from "../../domain/account-config.js";
import { admitCanary, approvalRequirement, modeAllowsApply } from "./approval-policy.js";

describe("approval policy (002 HITL)", () => {
  const config = defaultAccountConfig();
  it("needs approval for every increase by default and for creative/targeting changes", () => {
    expect(
      approvalRequirement({ kind: "daily_budget", entityId: "e", before: 100, after: 101 }, config).required,
    ).toBe(true);
    expect(
      approvalRequirement({ kind: "daily_budget", entityId: "e", before: 100, after: 95 }, config),
    ).toEqual({ required: false, reasons: [] });
    expect(
      approvalRequirement({ kind: "creative", entityId: "e", before: null, after: null }, config).reasons,
    ).toEqual(["creative changes always need approval"]);
    expect(
      approvalRequirement({ kind: "targeting", entityId: "e", before: null, after: null }, config).required,
    ).toBe(true);
    expect(
      approvalRequirement({ kind: "status", entityId: "e", before: "paused", after: "active" }, config)
        .required,
    ).toBe(true);
    expect(
      approvalRequirement({ kind: "status", entityId: "e", before: "active", after: "paused" }, config)
        .required,
    ).toBe(false);
  });
  it("auto-approves increases up to guardrails.autoApproveIncreaseLimit", () => {
    const c = accountConfigSchema.parse({ guardrails: { autoApproveIncreaseLimit: 0.03 } });
    expect(
      approvalRequirement({ kind: "daily_budget", entityId: "e", before: 100, after: 103 }, c).required,
    ).toBe(false);
    const over = approvalRequirement({ kind: "bid", entityId: "e", before: 100, after: 104 }, c);
    expect(over.reasons[0]).toMatch(/bid increase of 4.0% is above the auto-approve limit of 3%/);
    expect(
      approvalRequirement({ kind: "daily_budget", entityId: "e", before: 0, after: 1 }, c).reasons[0],
    ).toMatch(/from zero/);
  });
  it("applies only in canary and live", () => {
    expect(modeAllowsApply("shadow")).toBe(false);
    expect(modeAllowsApply("canary")).toBe(true);
    expect(modeAllowsApply("live")).toBe(true);
  });
  it("admits at most N entities per canary cycle", () => {
    const items = [{ entityId: "a" }, { entityId: "b" }, { entityId: "a" }, { entityId: "c" }];
    const one = admitCanary(items, "canary", config);
    expect(one.admitted).toEqual([{ entityId: "a" }, { entityId: "a" }]);
    expect(one.held).toHaveLength(2);
    const two = admitCanary(
      items,
      "canary",
      accountConfigSchema.parse({ guardrails: { canaryMaxEntitiesPerCycle: 2 } }),
    );
    expect(two.admitted.map((i) => i.entityId)).toEqual(["a", "b", "a"]);
    expect(admitCanary(items, "canary", config, new Set(["z"])).admitted).toEqual([]);
    expect(admitCanary(items, "live", config).admitted).toHaveLength(4);
  });
});
