import { describe, expect, it } from "vitest";
import { createRng } from "../../models/random/index.js";
import { checkChange } from "./check-change.js";
import { budgetChange, ctxFor, hoursBefore, limitsFor, T0 } from "./test-helpers.js";
import { type GuardrailDecision, GuardrailInputError } from "./types.js";

const budget = (dailyBudgetMinor: number) => ({ kind: "daily_budget" as const, dailyBudgetMinor });
const allowed = (d: GuardrailDecision) => {
  if (d.outcome !== "allow" || d.change.kind !== "daily_budget")
    throw new Error(`expected allow, got ${JSON.stringify(d)}`);
  return d.change.dailyBudgetMinor;
};
const rules = (d: GuardrailDecision) => d.reasons.map((r) => r.rule);

describe("checkChange on daily budgets (seed defaults)", () => {
  it("passes a change within every cap untouched", () => {
    const d = checkChange(budget(10_400), ctxFor(), limitsFor());
    expect(allowed(d)).toBe(10_400);
    expect(d.reasons).toEqual([]);
  });

  it("clips to the per-change cap of 5% (AELP2)", () => {
    const d = checkChange(budget(20_000), ctxFor(), limitsFor());
    expect(allowed(d)).toBe(10_500);
    expect(d.reasons[0]).toMatchObject({ rule: "per_change_cap", from: 20_000, to: 10_500, limit: 0.05 });
    expect(checkChange(budget(1_000), ctxFor(), limitsFor()).outcome).toBe("allow");
    expect(allowed(checkChange(budget(1_000), ctxFor(), limitsFor()))).toBe(9_500);
  });

  it("clips to the daily cap of 10% measured from the first budget of the last 24 h", () => {
    const history = [budgetChange(hoursBefore(20), 10_000, 10_500)];
    const d = checkChange(budget(11_025), ctxFor({ currentBudgetMinor: 10_500, history }), limitsFor());
    expect(allowed(d)).toBe(11_000);
    expect(rules(d)).toEqual(["daily_cap"]);
    // 25 h later the window no longer holds the first change
    const later = checkChange(
      budget(11_025),
      ctxFor({ currentBudgetMinor: 10_500, history, now: new Date(T0.getTime() + 5 * 3_600_000) }),
      limitsFor(),
    );
    expect(allowed(later)).toBe(11_025);
  });

  it("limits velocity to 20% in 6 h against the first budget in the window (SafeExecutor)", () => {
    const limits = limitsFor({ maxChangePerProposal: 1, maxChangePerDay: 1 });
    const history = [
      budgetChange(hoursBefore(5), 10_000, 11_000),
      budgetChange(hoursBefore(1), 11_000, 11_800),
    ];
    const d = checkChange(budget(13_000), ctxFor({ currentBudgetMinor: 11_800, history }), limits);
    expect(allowed(d)).toBe(12_000);
    expect(rules(d)).toEqual(["velocity_6h"]);
  });

  it("limits velocity to 50% in 24 h", () => {
    const limits = limitsFor({ maxChangePerProposal: 1, maxChangePerDay: 1, velocity6h: 1 });
    const history = [budgetChange(hoursBefore(23), 10_000, 14_000)];
    const d = checkChange(budget(16_000), ctxFor({ currentBudgetMinor: 14_000, history }), limits);
    expect(allowed(d)).toBe(15_000);
    expect(rules(d)).toEqual(["velocity_24h"]);
  });

  it("forbids any increase when the CAC lower bound is over target, but allows decreases", () => {
    const limits = limitsFor({}, { targetCac: 50 });
    const ctx = ctxFor({ cacLowerBoundMinor: 6_000 });
    const up = checkChange(budget(10_300), ctx, limits);
    expect(up.outcome).toBe("reject");
    expect(rules(up)).toEqual(["cac_guardrail", "no_change"]);
    expect(allowed(checkChange(budget(9_700), ctx, limits))).toBe(9_700);
    expect(allowed(checkChange(budget(10_300), ctxFor({ cacLowerBoundMinor: 4_000 }), limits))).toBe(10_300);
  });

  it("caps at 1.25 x the 14-day average daily spend", () => {
    const d = checkChange(budget(10_500), ctxFor({ averageDailySpendMinor: 8_200 }), limitsFor());
    expect(allowed(d)).toBe(10_250);
    expect(d.reasons[0]).toMatchObject({ rule: "historical_spend_cap", limit: 10_250 });
    // already above the cap: no increase, decreases fine
    expect(checkChange(budget(10_100), ctxFor({ averageDailySpendMinor: 4_000 }), limitsFor()).outcome).toBe(
      "reject",
    );
    expect(allowed(checkChange(budget(9_600), ctxFor({ averageDailySpendMinor: 4_000 }), limitsFor()))).toBe(
      9_600,
    );
  });

  it("keeps budgets within min and max (never below $1)", () => {
    const d = checkChange(budget(98), ctxFor({ currentBudgetMinor: 102 }), limitsFor());
    expect(allowed(d)).toBe(100);
    expect(rules(d)).toEqual(["min_budget"]);
    const max = checkChange(budget(10_500), ctxFor(), limitsFor({ maxDailyBudget: 102 }));
    expect(allowed(max)).toBe(10_200);
    expect(rules(max)).toEqual(["max_budget"]);
  });

  it("never lets the account's active budgets exceed the account total", () => {
    const limits = limitsFor({ accountDailyBudget: 300 });
    const d = checkChange(budget(10_500), ctxFor({ otherActiveBudgetsMinor: 19_800 }), limits);
    expect(allowed(d)).toBe(10_200);
    expect(rules(d)).toEqual(["account_total_budget"]);
    // a paused entity's budget does not count until it is enabled
    expect(
      allowed(
        checkChange(
          budget(10_500),
          ctxFor({ currentStatus: "paused", otherActiveBudgetsMinor: 19_800 }),
          limits,
        ),
      ),
    ).toBe(10_500);
  });

  it("stops increases at 100% of today's spend and when an hour spent over 15% of the budget; warns at 80/95%", () => {
    const stop = checkChange(
      budget(10_300),
      ctxFor({ pacing: { spendTodayMinor: 10_000, spendThisHourMinor: 0 } }),
      limitsFor(),
    );
    expect(rules(stop)).toContain("spend_stop");
    const hourly = checkChange(
      budget(10_300),
      ctxFor({ pacing: { spendTodayMinor: 5_000, spendThisHourMinor: 1_501 } }),
      limitsFor(),
    );
    expect(rules(hourly)).toContain("hourly_pacing");
    const warn = checkChange(
      budget(10_300),
      ctxFor({ pacing: { spendTodayMinor: 9_600, spendThisHourMinor: 100 } }),
      limitsFor(),
    );
    expect(allowed(warn)).toBe(10_300);
    expect(warn.warnings[0]).toMatch(/96% of the daily budget \(warning at 95%\)/);
  });

  it("applies the opt-in fuzz before the caps, so the cap still holds", () => {
    const limits = limitsFor({ budgetFuzz: { enabled: true, fraction: 0.03 } });
    for (let seed = 0; seed < 50; seed++) {
      const d = checkChange(budget(10_500), ctxFor(), limits, createRng(seed));
      const v = allowed(d);
      expect(v).toBeLessThanOrEqual(10_500);
      expect(d.reasons[0].rule).toBe("budget_fuzz");
    }
    expect(() => checkChange(budget(10_500), ctxFor(), limits)).toThrow(/no random generator/);
    expect(rules(checkChange(budget(10_400), ctxFor(), limitsFor()))).not.toContain("budget_fuzz");
  });

  it("rejects when no value satisfies every rule, naming both sides", () => {
    // current 50 is under the $1 floor and the 5% cap cannot reach it: the floor allows staying, so a cut is refused
    const d = checkChange(budget(40), ctxFor({ currentBudgetMinor: 50 }), limitsFor());
    expect(d.outcome).toBe("reject");
  });

  it("rejects a request equal to the current value as no_change", () => {
    expect(rules(checkChange(budget(10_000), ctxFor(), limitsFor()))).toEqual(["no_change"]);
  });

  it("throws a clear error on bad input", () => {
    expect(() => checkChange(budget(-5), ctxFor(), limitsFor())).toThrow(GuardrailInputError);
    expect(() => checkChange(budget(-5), ctxFor(), limitsFor())).toThrow(
      /non-negative integer number of minor units, got -5/,
    );
    expect(() => checkChange(budget(1.5), ctxFor(), limitsFor())).toThrow(/got 1.5/);
    expect(() => checkChange(budget(100), ctxFor({ currentBudgetMinor: null }), limitsFor())).toThrow(
      /carries no daily budget/,
    );
    expect(() => checkChange(budget(100), ctxFor({ currentStatus: "removed" }), limitsFor())).toThrow(
      /removed/,
    );
  });
});

describe("checkChange on bids and statuses", () => {
  it("applies the relative caps to bids and keeps them positive", () => {
    const d = checkChange({ kind: "bid", bidMinor: 400 }, ctxFor(), limitsFor());
    expect(d.outcome === "allow" && d.change).toEqual({ kind: "bid", bidMinor: 210 });
  });

  it("always allows a pause and refuses an enable that breaks the account total", () => {
    expect(checkChange({ kind: "status", status: "paused" }, ctxFor(), limitsFor()).outcome).toBe("allow");
    const limits = limitsFor({ accountDailyBudget: 150 });
    const enable = checkChange(
      { kind: "status", status: "active" },
      ctxFor({ currentStatus: "paused", otherActiveBudgetsMinor: 6_000 }),
      limits,
    );
    expect(enable.outcome).toBe("reject");
    expect(rules(enable)).toEqual(["account_total_budget"]);
    expect(
      rules(checkChange({ kind: "status", status: "paused" }, ctxFor({ currentStatus: "paused" }), limits)),
    ).toEqual(["no_change"]);
  });
});

describe("checkChange deferrals", () => {
  it("defers the 16th change to a campaign within an hour until the oldest leaves the window", () => {
    const history = Array.from({ length: 15 }, (_, i) =>
      budgetChange(new Date(T0.getTime() - 3_000_000 + i * 60_000), 10_000, 10_000),
    );
    const d = checkChange(budget(10_100), ctxFor({ history }), limitsFor());
    expect(d.outcome).toBe("defer");
    if (d.outcome !== "defer") return;
    expect(d.retryAt).toEqual(new Date(T0.getTime() - 3_000_000 + 3_600_000));
    expect(rules(d)).toEqual(["campaign_rate_limit"]);
    // another campaign of the same account is not limited by this one
    expect(
      checkChange(budget(10_100), ctxFor({ history, entityId: "c2", campaignId: "c2" }), limitsFor()).outcome,
    ).toBe("allow");
  });

  it("defers the 101st change on an account within 24 h", () => {
    const history = Array.from({ length: 100 }, (_, i) =>
      budgetChange(hoursBefore(23 - i * 0.2), 10_000, 10_000, `e${i}`),
    );
    const d = checkChange(budget(10_100), ctxFor({ history }), limitsFor());
    expect(rules(d)).toEqual(["account_rate_limit"]);
  });

  it("backs off on the platform's usage signal", () => {
    const d = checkChange(budget(10_100), ctxFor({ usagePressure: 0.92 }), limitsFor());
    expect(d.outcome === "defer" && d.retryAt).toEqual(new Date(T0.getTime() + 300_000));
    expect(checkChange(budget(10_100), ctxFor({ usagePressure: 0.5 }), limitsFor()).outcome).toBe("allow");
  });
});
