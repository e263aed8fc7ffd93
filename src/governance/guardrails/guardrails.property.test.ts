import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accountConfigSchema } from "../../domain/account-config.js";
import type { EntityStatus } from "../../domain/entities.js";
import { createRng } from "../../models/random/index.js";
import { checkChange } from "./check-change.js";
import { resolveGuardrailLimits } from "./limits.js";
import type { AppliedChange, GuardrailLimits, RequestedChange } from "./types.js";

/**
 * Random sequences of proposals, clocks and configurations. Every allowed change is applied to a
 * simulated account; independent oracles then check the ledger: no cap, velocity limit, rate limit or
 * account total is ever broken, whatever the rules clipped, rejected or deferred.
 */
const H = 3_600_000;
const EPS = 1e-9;

const configArb = fc.record({
  maxChangePerProposal: fc.double({ min: 0.01, max: 0.6, noNaN: true }),
  maxChangePerDay: fc.double({ min: 0.01, max: 1, noNaN: true }),
  velocity6h: fc.double({ min: 0.02, max: 1, noNaN: true }),
  velocity24h: fc.double({ min: 0.02, max: 1, noNaN: true }),
  historicalSpendCapMultiple: fc.double({ min: 1, max: 2, noNaN: true }),
  minDailyBudget: fc.double({ min: 0, max: 5, noNaN: true }),
  maxDailyBudget: fc.option(fc.double({ min: 20, max: 400, noNaN: true })),
  accountSlack: fc.option(fc.integer({ min: 0, max: 20_000 })),
  changesPerCampaignPerHour: fc.integer({ min: 1, max: 15 }),
  changesPerAccountPerDay: fc.integer({ min: 3, max: 100 }),
  fuzz: fc.boolean(),
  targetCac: fc.option(fc.integer({ min: 10, max: 100 })),
});

const entityArb = fc.record({
  campaign: fc.integer({ min: 0, max: 1 }),
  budget: fc.integer({ min: 50, max: 30_000 }),
  bid: fc.integer({ min: 1, max: 2_000 }),
  active: fc.boolean(),
});

const stepArb = fc.record({
  advanceMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 3 * H }),
    fc.integer({ min: 1, max: 60_000 }),
  ),
  entity: fc.nat(),
  kind: fc.constantFrom("daily_budget", "daily_budget", "daily_budget", "bid", "status"),
  factor: fc.double({ min: 0, max: 3, noNaN: true }),
  cacLowerBound: fc.option(fc.integer({ min: 0, max: 20_000 })),
  averageSpend: fc.option(fc.integer({ min: 0, max: 30_000 })),
  pressure: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 4 }),
  pacing: fc.option(fc.record({ today: fc.nat({ max: 40_000 }), hour: fc.nat({ max: 6_000 }) })),
});

interface SimEntity {
  id: string;
  campaignId: string;
  budget: number;
  bid: number;
  status: EntityStatus;
}

interface Ledgered extends AppliedChange {
  cac: number | null;
  avg: number | null;
}

function inWindow(ledger: Ledgered[], t: number, ms: number) {
  return ledger.filter((c) => c.at.getTime() > t - ms && c.at.getTime() <= t);
}

/** Checks the last ledger entry against every limit, independently of the rules' code. */
function assertLimits(ledger: Ledgered[], entities: SimEntity[], limits: GuardrailLimits) {
  const last = ledger[ledger.length - 1];
  const t = last.at.getTime();
  const campaignCount = inWindow(ledger, t, H).filter((c) => c.campaignId === last.campaignId).length;
  expect(campaignCount).toBeLessThanOrEqual(limits.changesPerCampaignPerHour);
  expect(inWindow(ledger, t, 24 * H).length).toBeLessThanOrEqual(limits.changesPerAccountPerDay);
  if (limits.accountDailyBudgetMinor !== null) {
    const active = entities.filter((e) => e.status === "active").reduce((s, e) => s + e.budget, 0);
    expect(active).toBeLessThanOrEqual(limits.accountDailyBudgetMinor);
  }
  if (last.kind === "status") return;
  const before = last.before as number;
  const after = last.after as number;
  expect(Number.isSafeInteger(after)).toBe(true);
  expect(after).not.toBe(before);
  expect(Math.abs(after - before)).toBeLessThanOrEqual(limits.maxChangePerProposal * before + EPS);
  const windowCheck = (ms: number, fraction: number) => {
    const same = inWindow(ledger, t, ms).filter((c) => c.entityId === last.entityId && c.kind === last.kind);
    const base = same[0].before as number; // ledger is in time order
    expect(Math.abs(after - base)).toBeLessThanOrEqual(fraction * base + EPS);
  };
  windowCheck(24 * H, limits.maxChangePerDay);
  windowCheck(6 * H, limits.velocity6h);
  windowCheck(24 * H, limits.velocity24h);
  if (last.kind === "daily_budget") {
    expect(after).toBeGreaterThanOrEqual(Math.min(before, limits.minDailyBudgetMinor));
    if (limits.maxDailyBudgetMinor !== null)
      expect(after).toBeLessThanOrEqual(Math.max(before, limits.maxDailyBudgetMinor));
    if (last.avg !== null)
      expect(after).toBeLessThanOrEqual(
        Math.max(before, Math.floor(limits.historicalSpendCapMultiple * last.avg)),
      );
    if (limits.targetCacMinor !== null && last.cac !== null && last.cac > limits.targetCacMinor)
      expect(after).toBeLessThanOrEqual(before);
  } else {
    expect(after).toBeGreaterThanOrEqual(Math.min(before, 1));
  }
}

describe("guardrails never let a sequence break a limit (property)", () => {
  it("holds over 10,000 random sequences of proposals, clocks and configurations", {
    timeout: 180_000,
  }, () => {
    let steps = 0;
    let applied = 0;
    let clipped = 0;
    fc.assert(
      fc.property(
        configArb,
        fc.array(entityArb, { minLength: 1, maxLength: 4 }),
        fc.array(stepArb, { minLength: 1, maxLength: 40 }),
        fc.integer(),
        (cfg, entitySpecs, sequence, seed) => {
          const entities: SimEntity[] = entitySpecs.map((e, i) => ({
            id: `e${i}`,
            campaignId: `c${e.campaign}`,
            budget: e.budget,
            bid: e.bid,
            status: e.active ? "active" : "paused",
          }));
          const activeTotal = entities.filter((e) => e.status === "active").reduce((s, e) => s + e.budget, 0);
          const config = accountConfigSchema.parse({
            targetCac: cfg.targetCac,
            guardrails: {
              maxChangePerProposal: cfg.maxChangePerProposal,
              maxChangePerDay: cfg.maxChangePerDay,
              velocity6h: cfg.velocity6h,
              velocity24h: cfg.velocity24h,
              historicalSpendCapMultiple: cfg.historicalSpendCapMultiple,
              minDailyBudget: cfg.minDailyBudget,
              maxDailyBudget: cfg.maxDailyBudget,
              accountDailyBudget:
                cfg.accountSlack === null ? null : (activeTotal + cfg.accountSlack) / 100 || 1,
              changesPerCampaignPerHour: cfg.changesPerCampaignPerHour,
              changesPerAccountPerDay: cfg.changesPerAccountPerDay,
              budgetFuzz: { enabled: cfg.fuzz, fraction: 0.03 },
            },
          });
          const limits = resolveGuardrailLimits(config, "USD");
          if (limits.accountDailyBudgetMinor !== null && activeTotal > limits.accountDailyBudgetMinor) return;
          const rng = createRng(seed);
          const ledger: Ledgered[] = [];
          let now = Date.UTC(2026, 0, 5);
          for (const step of sequence) {
            steps++;
            now += step.advanceMs;
            const entity = entities[step.entity % entities.length];
            const requested: RequestedChange =
              step.kind === "daily_budget"
                ? { kind: "daily_budget", dailyBudgetMinor: Math.round(entity.budget * step.factor) }
                : step.kind === "bid"
                  ? { kind: "bid", bidMinor: Math.round(entity.bid * step.factor) }
                  : { kind: "status", status: entity.status === "active" ? "paused" : "active" };
            const decision = checkChange(
              requested,
              {
                now: new Date(now),
                entityId: entity.id,
                campaignId: entity.campaignId,
                currentStatus: entity.status,
                currentBudgetMinor: entity.budget,
                currentBidMinor: entity.bid,
                history: ledger,
                averageDailySpendMinor: step.averageSpend,
                cacLowerBoundMinor: step.cacLowerBound,
                otherActiveBudgetsMinor: entities
                  .filter((e) => e !== entity && e.status === "active")
                  .reduce((s, e) => s + e.budget, 0),
                pacing: step.pacing && {
                  spendTodayMinor: step.pacing.today,
                  spendThisHourMinor: step.pacing.hour,
                },
                usagePressure: step.pressure,
              },
              limits,
              rng,
            );
            if (decision.outcome === "defer") expect(decision.retryAt.getTime()).toBeGreaterThan(now);
            if (decision.outcome !== "allow") continue;
            applied++;
            if (decision.clipped) clipped++;
            const change = decision.change;
            const base = {
              entityId: entity.id,
              campaignId: entity.campaignId,
              at: new Date(now),
              cac: step.cacLowerBound,
              avg: step.averageSpend,
            };
            if (change.kind === "daily_budget") {
              ledger.push({
                ...base,
                kind: "daily_budget",
                before: entity.budget,
                after: change.dailyBudgetMinor,
              });
              entity.budget = change.dailyBudgetMinor;
            } else if (change.kind === "bid") {
              ledger.push({ ...base, kind: "bid", before: entity.bid, after: change.bidMinor });
              entity.bid = change.bidMinor;
            } else {
              ledger.push({ ...base, kind: "status", before: null, after: null });
              entity.status = change.status;
            }
            assertLimits(ledger, entities, limits);
          }
        },
      ),
      { numRuns: 10_000, seed: 20260305 },
    );
    // the generator must actually exercise the rules, not reject everything
    expect(applied).toBeGreaterThan(steps / 10);
    expect(clipped).toBeGreaterThan(applied / 10);
  });
});
