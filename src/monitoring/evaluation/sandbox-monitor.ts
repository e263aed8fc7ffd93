import { SandboxConnector } from "../../connectors/sandbox/connector.js";
import type { PerformanceFact } from "../../domain/performance.js";
import type { SandboxWorld } from "../../lab/sandbox-world.js";
import type { ApiCallSample } from "../checks/api-health.js";
import type { DayTotals, EntityWindowTotals } from "../checks/data-quality.js";
import {
  impressionBands,
  impressionsByDate,
  impressionsFreshness,
  unchangedSince,
} from "../checks/impression-band.js";
import { type AccountCheckInputs, runAccountChecks } from "../checks/index.js";
import { expectedShareBy, type SpendSample } from "../checks/pacing-profile.js";
import { PACING_WINDOWS, samplesByDate, spendBand, spendBands } from "../checks/spend-band.js";
import type { Finding } from "../checks/types.js";
import { addDays, daysInMonth, monthDaysSince } from "../collect/local-clock.js";

/**
 * The monitor on a lab sandbox without the store: an hourly sync (like the service's cycle: entities
 * and a 3-day performance lookback, upserted into an in-memory table), API probes every simulated
 * minute, and the same pure checks the service runs, fed the same inputs the SQL collector computes.
 * Used by bench/monitoring.bench.ts (detection delay and false positives) and the tests.
 */
export class SandboxMonitor {
  readonly connector: SandboxConnector;
  private readonly rows = new Map<string, PerformanceFact>();
  private readonly known = new Set<string>();
  private readonly calls: ApiCallSample[] = [];
  private readonly samples: SpendSample[] = [];
  readonly dailyBudgetMinor: number;
  /** Simulated milliseconds since the world's start; minutes advance it between hours. */
  private minute = 0;
  consecutiveFailures = 0;
  lastCycleAt: Date;

  constructor(
    readonly sandbox: SandboxWorld,
    readonly accountName = "sandbox",
    readonly intervalSeconds = 3600,
  ) {
    this.connector = new SandboxConnector(sandbox, { seed: sandbox.world.seed, sleep: async () => {} });
    this.dailyBudgetMinor = Math.round(sandbox.world.groupBudget.reduce((t, b) => t + b, 0) / 1000);
    this.lastCycleAt = this.now();
  }

  /** The simulated instant (account-local clock written as UTC). */
  now(): Date {
    const c = this.sandbox.clock;
    return new Date(Date.parse(`${c.date}T00:00:00Z`) + c.hour * 3_600_000 + this.minute * 60_000);
  }

  get local(): { date: string; hour: number } {
    return { date: this.sandbox.clock.date, hour: this.sandbox.clock.hour };
  }

  /** One simulated hour of the world, then the cycle's sync (which may fail under an API fault). */
  async stepHour(cycleFails = false): Promise<void> {
    this.sandbox.stepHour();
    this.minute = 0;
    if (cycleFails) return;
    try {
      const date = this.local.date;
      const entities = await this.connector.listEntities(this.connector.accountId);
      for (const e of entities) if (e.level === "campaign") this.known.add(e.externalId);
      const facts = await this.connector.fetchPerformance({
        accountExternalId: this.connector.accountId,
        from: addDays(date, -3),
        to: date,
        granularity: "day",
        level: "campaign",
      });
      for (const f of facts) this.rows.set(`${f.date}|${f.campaignId}`, f);
      this.consecutiveFailures = 0;
    } catch {
      this.consecutiveFailures++;
    }
    this.lastCycleAt = this.now();
    const reported = this.reportedOn(this.local.date);
    this.samples.push({
      date: this.local.date,
      hour: this.local.hour,
      spendMinor: reported.spendMinor,
      impressions: reported.impressions,
    });
  }

  /** One API probe at the current minute, then the minute advances. */
  async probe(): Promise<void> {
    const at = this.now();
    try {
      await this.connector.listAccounts();
      this.calls.push({ at, ok: true, latencyMs: 0, rateLimited: false, error: null });
    } catch (error) {
      this.calls.push({ at, ok: false, latencyMs: 0, rateLimited: false, error: (error as Error).message });
    }
    if (this.calls.length > 200) this.calls.splice(0, 100);
  }

  advanceMinute(): void {
    this.minute++;
  }

  /** The minute-by-minute checks: API health and the loop. */
  healthFindings(): Finding[] {
    const now = this.now();
    return runAccountChecks({ apiHealth: this.apiHealthInput(now), loop: this.loopInput(now) }).flatMap(
      (o) => o.findings,
    );
  }

  /** Every check, as after a cycle. */
  allFindings(): Finding[] {
    return runAccountChecks(this.inputs()).flatMap((o) => o.findings);
  }

  private apiHealthInput(now: Date): AccountCheckInputs["apiHealth"] {
    const from = now.getTime() - 15 * 60_000;
    return {
      accountId: "sandbox",
      accountName: this.accountName,
      platform: "sandbox",
      now,
      calls: this.calls.filter((c) => c.at.getTime() > from),
      rateLimitPressure: null,
      tokenExpiresAt: null,
    };
  }

  private loopInput(now: Date): AccountCheckInputs["loop"] {
    return {
      accountId: "sandbox",
      accountName: this.accountName,
      now,
      active: true,
      intervalSeconds: this.intervalSeconds,
      consecutiveFailures: this.consecutiveFailures,
      lastError: null,
      lastCycleAt: this.lastCycleAt,
      since: this.lastCycleAt,
      latestMmmFit: null,
    };
  }

  private reportedOn(date: string): { spendMinor: number; impressions: number } {
    const t = { spendMinor: 0, impressions: 0 };
    for (const f of this.rows.values())
      if (f.date === date) {
        t.spendMinor += f.costMinor;
        t.impressions += f.impressions;
      }
    return t;
  }

  private inputs(): AccountCheckInputs {
    const now = this.now();
    const { date, hour } = this.local;
    const byDate = new Map<string, number>();
    const daily = new Map<string, Map<string, DayTotals>>();
    for (const f of this.rows.values()) {
      byDate.set(f.date, (byDate.get(f.date) ?? 0) + f.costMinor);
      if (!daily.has(f.campaignId)) daily.set(f.campaignId, new Map());
      daily.get(f.campaignId)!.set(f.date, {
        date: f.date,
        impressions: f.impressions,
        clicks: f.clicks,
        costMinor: f.costMinor,
        conversions: f.conversions,
        revenueMinor: f.revenueMinor,
      });
    }
    const finals = new Map([...byDate].filter(([d]) => d < date));
    const past = this.samples.filter((s) => s.date !== date && s.date >= addDays(date, -28));
    const spendToday = byDate.get(date) ?? 0;
    const shareNow = expectedShareBy(past, finals, hour);
    const earlier = this.samples.find((s) => s.date === date && s.hour === hour - 3);
    const shareThen = expectedShareBy(past, finals, hour - 3);
    const recent = [...finals]
      .sort()
      .slice(-14)
      .map(([d, s]) => ({ date: d, spendMinor: s, budgetMinor: this.dailyBudgetMinor }));
    const byDay = samplesByDate(past);
    const todaySamples = this.samples.filter((s) => s.date === date);
    const todayByHour = samplesByDate(todaySamples).get(date) ?? new Map();
    const todayImpressions = impressionsByDate(todaySamples).get(date) ?? new Map();
    const pastImpressions = impressionsByDate(past);
    const firstData = [...finals.keys()].sort()[0];
    const monthStart = `${date.slice(0, 8)}01`;
    const elapsed = firstData ? monthDaysSince(date, firstData) : 0;
    const since = unchangedSince(todayByHour, hour);

    const windowFrom = addDays(date, -2);
    let unknownRows = 0;
    let unknownConv = 0;
    let totalConv = 0;
    let unknownCost = 0;
    let totalCost = 0;
    const ids: string[] = [];
    const week = addDays(date, -7);
    const entities = new Map<string, EntityWindowTotals>();
    let recentConv = 0;
    let recentClicks = 0;
    let baseConv = 0;
    let baseClicks = 0;
    for (const f of this.rows.values()) {
      if (f.date >= windowFrom) {
        totalConv += f.conversions;
        totalCost += f.costMinor;
        if (!this.known.has(f.campaignId)) {
          unknownRows++;
          unknownConv += f.conversions;
          unknownCost += f.costMinor;
          ids.push(f.campaignId);
        }
      }
      if (f.date < date && f.date >= addDays(date, -2)) {
        recentConv += f.conversions;
        recentClicks += f.clicks;
      } else if (f.date < addDays(date, -2) && f.date >= addDays(date, -16)) {
        baseConv += f.conversions;
        baseClicks += f.clicks;
      }
      if (f.date >= week && f.date < date) {
        const e = entities.get(f.campaignId) ?? {
          entityId: f.campaignId,
          impressions: 0,
          clicks: 0,
          costMinor: 0,
          conversions: 0,
          revenueMinor: 0,
        };
        e.impressions += f.impressions;
        e.clicks += f.clicks;
        e.costMinor += f.costMinor;
        e.conversions += f.conversions;
        e.revenueMinor += f.revenueMinor;
        entities.set(f.campaignId, e);
      }
    }
    const present = [...byDate.keys()].filter((d) => d < date).sort();
    const expectedDates: string[] = [];
    if (present[0])
      for (let d = [present[0], addDays(date, -14)].sort()[1]!; d < date; d = addDays(d, 1))
        expectedDates.push(d);
    const yesterday = addDays(date, -1);
    const arms = [...daily]
      .filter(([id]) => this.known.has(id))
      .map(([armId, days]) => ({
        armId,
        days: [...days.values()]
          .filter((d) => d.date < date && d.date >= addDays(date, -22))
          .sort((a, b) => (a.date < b.date ? -1 : 1)),
      }))
      .filter((a) => a.days.at(-1)?.date === yesterday);
    return {
      pacing: {
        accountId: "sandbox",
        accountName: this.accountName,
        currency: this.sandbox.scenario.currency,
        now,
        dailyBudgetMinor: this.dailyBudgetMinor,
        spendTodayMinor: spendToday,
        expectedShareNow: shareNow,
        window: earlier
          ? {
              hours: 3,
              spendMinor: spendToday - earlier.spendMinor,
              expectedShare: Math.max(0, shareNow - shareThen),
            }
          : null,
        recentDays: recent,
        bands: spendBands(todayByHour, byDay, hour, PACING_WINDOWS),
        impressionBands: impressionBands(todayImpressions, pastImpressions, hour, PACING_WINDOWS),
        month:
          elapsed > 0
            ? {
                spendToDateMinor: [...finals].filter(([d]) => d >= monthStart).reduce((t, [, s]) => t + s, 0),
                budgetMinor: this.dailyBudgetMinor * daysInMonth(date),
                daysElapsed: elapsed,
                daysInMonth: daysInMonth(date),
              }
            : null,
      },
      mapping: {
        accountId: "sandbox",
        accountName: this.accountName,
        now,
        unknownEntityRows: unknownRows,
        unknownEntityConversions: unknownConv,
        totalConversions: totalConv,
        unknownEntityIds: ids.slice(0, 10),
        unknownEntityCostMinor: unknownCost,
        totalCostMinor: totalCost,
        unmappedDeals: 0,
        totalDeals: 0,
        baselineUnmappedShare: null,
        conversionTypes:
          baseClicks > 0
            ? [
                {
                  type: "platform conversions",
                  recentCount: recentConv,
                  recentClicks,
                  baselinePerClick: baseConv / baseClicks,
                  hours: 48,
                },
              ]
            : [],
      },
      dataQuality: {
        accountId: "sandbox",
        accountName: this.accountName,
        now,
        today: date,
        expectedDates,
        presentDates: present,
        todayRows: [...this.rows.values()].filter((f) => f.date === date).length,
        todayExpectedShare: present.length > 0 ? shareNow : 0,
        unchangedHours: hour - since,
        expectedShareMeanwhile: Math.max(0, shareNow - expectedShareBy(past, finals, since)),
        unchangedBand: hour > since ? spendBand(todayByHour, byDay, hour, hour - since) : null,
        impressions: impressionsFreshness(todayImpressions, pastImpressions, hour),
        entities: [...entities.values()],
        arms,
      },
    };
  }
}
