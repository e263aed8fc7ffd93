import type { PipelineEvent } from "../../domain/crm.js";
import type { EntityLevel, EntityStatus } from "../../domain/entities.js";
import type { PerformanceFact } from "../../domain/performance.js";
import { LabRng } from "../../lab/rng.js";
import type { SandboxWorld } from "../../lab/sandbox-world.js";
import { dateOfDay, dayOfDate } from "../../lab/world/calendar.js";
import { CLK, COST, IMP, PCONV, PLATFORM_METRICS, PREV } from "../../lab/world/reports.js";
import {
  type AdPlatformConnector,
  type ChangeResult,
  type ConnectorAccount,
  type ConnectorEntity,
  ConnectorFailure,
  type ConnectorHealth,
  type EntityChange,
  type PerformanceRequest,
} from "../port.js";

export interface SandboxConnectorOptions {
  /** How latency faults wait; tests pass a fake. Defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Seed for fault dice (which call fails, which row is dropped). */
  seed?: number;
}

/**
 * The sandbox platform: the connector port over a lab world. It reports what a real platform would —
 * impressions, clicks, spend and last-click conversions within each channel's window, only for
 * hours older than the channel's reporting lag — and never the ground truth. Ids: account
 * "sandbox-<scenario>", campaigns "cmp-<n>", ad groups "grp-<n>", ads "ad-<n>".
 */
export class SandboxConnector implements AdPlatformConnector {
  readonly platform = "sandbox" as const;
  private readonly dice: LabRng;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly applied = new Map<string, ChangeResult>();
  private readonly recent: { ok: boolean; ms: number; rateLimited: boolean }[] = [];

  constructor(
    readonly sandbox: SandboxWorld,
    options: SandboxConnectorOptions = {},
  ) {
    this.dice = new LabRng(options.seed ?? 17);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get accountId(): string {
    return `sandbox-${this.sandbox.scenario.name}`;
  }

  async listAccounts(): Promise<ConnectorAccount[]> {
    return this.call(() => {
      const s = this.sandbox.scenario;
      return [
        {
          externalId: this.accountId,
          name: s.description || s.name,
          currency: s.currency,
          timeZone: s.timeZone,
        },
      ];
    });
  }

  async listEntities(accountExternalId: string): Promise<ConnectorEntity[]> {
    return this.call(() => {
      this.checkAccount(accountExternalId);
      const w = this.sandbox.world;
      const cw = w.cw;
      const out: ConnectorEntity[] = [];
      for (let p = 0; p < cw.P; p++) {
        const groups = [...Array(cw.G).keys()].filter((g) => cw.groupCampaign[g] === p);
        out.push({
          level: "campaign",
          externalId: `cmp-${p}`,
          parentExternalId: null,
          name: cw.campaignNames[p]!,
          status: groups.every((g) => w.groupPaused[g] === 1) ? "paused" : "active",
          dailyBudgetMinor: Math.round(groups.reduce((t, g) => t + w.groupBudget[g]!, 0) / 1000),
          bidMinor: null,
          channel: cw.chanNames[cw.campaignChannel[p]!]!,
        });
      }
      for (let g = 0; g < cw.G; g++) {
        out.push({
          level: "ad_group",
          externalId: `grp-${g}`,
          parentExternalId: `cmp-${cw.groupCampaign[g]}`,
          name: cw.groupNames[g]!,
          status: w.groupPaused[g] === 1 ? "paused" : "active",
          dailyBudgetMinor: Math.round(w.groupBudget[g]! / 1000),
          bidMinor: this.bidMinor(g),
          channel: cw.chanNames[cw.groupChannel[g]!]!,
        });
      }
      for (let a = 0; a < cw.A; a++) {
        const g = cw.adGroup[a]!;
        out.push({
          level: "ad",
          externalId: `ad-${a}`,
          parentExternalId: `grp-${g}`,
          name: cw.adNames[a]!,
          status: w.adPaused[a] === 1 ? "paused" : "active",
          dailyBudgetMinor: null,
          bidMinor: null,
          channel: cw.chanNames[cw.groupChannel[g]!]!,
        });
      }
      return out;
    });
  }

  async fetchPerformance(request: PerformanceRequest): Promise<PerformanceFact[]> {
    return this.call(() => {
      this.checkAccount(request.accountExternalId);
      const sb = this.sandbox;
      const w = sb.world;
      const cw = w.cw;
      const start = sb.scenario.startDate;
      const first = Math.max(0, dayOfDate(start, request.from));
      const last = Math.min(dayOfDate(start, request.to), w.day);
      if (Number.isNaN(first) || Number.isNaN(last))
        throw new ConnectorFailure(
          "invalid_request",
          `dates must be YYYY-MM-DD, got ${request.from}..${request.to}`,
        );
      const facts: PerformanceFact[] = [];
      const now = w.now;
      for (let d = first; d <= last && d < w.stats.days; d++) {
        const date = dateOfDay(start, d);
        const missing = sb.faults.active("missing_days", date);
        if (missing && this.dice.next() < missing.rate) continue;
        const block = w.stats.platform[d]!;
        const rows = new Map<string, PerformanceFact>();
        for (let h = 0; h < 24; h++) {
          for (let a = 0; a < cw.A; a++) {
            const g = cw.adGroup[a]!;
            const c = cw.groupChannel[g]!;
            if (d * 24 + h > now - 1 - cw.chanReportLag[c]!) continue;
            const o = (h * cw.A + a) * PLATFORM_METRICS;
            if (block[o + IMP] === 0 && block[o + PCONV] === 0) continue;
            const ids = this.idsAt(request.level, a);
            const key = `${request.granularity === "hour" ? h : -1}|${ids.campaignId}|${ids.adGroupId}|${ids.adId}`;
            let row = rows.get(key);
            if (!row) {
              row = {
                accountId: request.accountExternalId,
                date,
                hour: request.granularity === "hour" ? h : -1,
                ...ids,
                impressions: 0,
                clicks: 0,
                costMinor: 0,
                conversions: 0,
                revenueMinor: 0,
                currency: sb.scenario.currency,
                extras: { channel: cw.chanNames[c], costMilliMinor: 0 },
              };
              rows.set(key, row);
            }
            row.impressions += block[o + IMP]!;
            row.clicks += block[o + CLK]!;
            (row.extras as { costMilliMinor: number }).costMilliMinor += block[o + COST]!;
            row.conversions += block[o + PCONV]!;
            row.revenueMinor += block[o + PREV]!;
          }
        }
        const partial = sb.faults.active("partial_data", date);
        const wrong = sb.faults.active("wrong_ids", date);
        for (const row of rows.values()) {
          const extras = row.extras as { costMilliMinor?: number };
          row.costMinor = Math.round(extras.costMilliMinor! / 1000);
          delete extras.costMilliMinor;
          if (partial && this.dice.next() < partial.rate) {
            if (this.dice.next() < 0.5) continue;
            row.clicks = Math.floor(row.clicks / 2);
            row.conversions = Math.floor(row.conversions / 2);
          }
          if (wrong && this.dice.next() < wrong.rate) {
            row.campaignId = `cmp-x${this.dice.int(1000)}`;
            if (row.adGroupId) row.adGroupId = `grp-x${this.dice.int(1000)}`;
            if (row.adId) row.adId = `ad-x${this.dice.int(1000)}`;
          }
          facts.push(row);
        }
      }
      return facts;
    });
  }

  /**
   * The CRM side of a service-business sandbox (not part of the ad-platform port): pipeline events
   * (lead, then the scenario's stages) that have happened by the simulated clock, with the click id
   * ("gclid" of the sandbox: `sbx-<seed>-<click>`) and the ad they came from.
   */
  pipelineEvents(from?: string, to?: string): PipelineEvent[] {
    const w = this.sandbox.world;
    const crm = this.sandbox.scenario.crm;
    if (!crm) return [];
    const names = ["lead", ...crm.stages.map((s) => s.name)];
    const start = Date.parse(`${this.sandbox.scenario.startDate}T00:00:00Z`);
    const out: PipelineEvent[] = [];
    let lead = -1;
    for (let i = 0; i < w.pipeline.length; i++) {
      // A deal's events are appended together, its lead first.
      if (w.pipeline.get(2, i) === 0) lead = i;
      const hour = w.pipeline.get(0, i);
      if (hour >= w.now) continue;
      const date = dateOfDay(this.sandbox.scenario.startDate, Math.floor(hour / 24));
      if ((from && date < from) || (to && date > to)) continue;
      const click = w.pipeline.get(1, i);
      const stage = w.pipeline.get(2, i);
      const value = w.pipeline.get(3, i);
      const ad = click >= 0 ? w.clicks.get(1, click) : -1;
      out.push({
        accountId: this.accountId,
        dealId: `deal-${w.seed}-${lead}`,
        stage: names[stage]!,
        valueMinor: value > 0 ? value : null,
        currency: value > 0 ? this.sandbox.scenario.currency : null,
        occurredAt: new Date(start + hour * 3_600_000),
        clickIds: click >= 0 ? { gclid: `sbx-${w.seed}-${click}` } : {},
        utm: {},
        adId: ad >= 0 ? `ad-${ad}` : null,
      });
    }
    return out.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  }

  async applyChange(change: EntityChange): Promise<ChangeResult> {
    const previous = this.applied.get(change.idempotencyKey);
    if (previous) return previous;
    const result = await this.call(() => this.apply(change));
    this.applied.set(change.idempotencyKey, result);
    return result;
  }

  /**
   * Puts back a change this platform had accepted before the process holding the world died (the
   * world is restored from an older save): applied as it was, without fault dice or call accounting,
   * and remembered under its idempotency key like any applied change.
   */
  restoreChange(change: EntityChange): ChangeResult {
    const result = this.apply(change);
    this.applied.set(change.idempotencyKey, result);
    return result;
  }

  async health(): Promise<ConnectorHealth> {
    const recent = this.recent.slice(-100);
    const ok = recent.filter((r) => r.ok).length;
    const ms = recent.map((r) => r.ms).sort((a, b) => a - b);
    const errors = this.sandbox.faults.active("errors", this.sandbox.clock.date);
    return {
      ok: recent.length === 0 ? !errors : ok / recent.length >= 0.9,
      successRate: recent.length === 0 ? 1 : ok / recent.length,
      p95LatencyMs: ms.length === 0 ? 0 : ms[Math.min(ms.length - 1, Math.floor(0.95 * ms.length))]!,
      rateLimitPressure: recent.length === 0 ? 0 : recent.filter((r) => r.rateLimited).length / recent.length,
      tokenExpiresAt: null,
      detail: `sandbox world ${this.sandbox.scenario.name} at ${this.sandbox.clock.date} ${this.sandbox.clock.hour}:00`,
    };
  }

  private apply(change: EntityChange): ChangeResult {
    this.checkAccount(change.accountExternalId);
    const w = this.sandbox.world;
    const cw = w.cw;
    const index = this.parseId(change.level, change.entityExternalId);
    const groups =
      change.level === "campaign"
        ? [...Array(cw.G).keys()].filter((g) => cw.groupCampaign[g] === index)
        : change.level === "ad_group"
          ? [index]
          : [];
    if (change.kind === "daily_budget") {
      const budget = change.value.dailyBudgetMinor;
      if (!Number.isSafeInteger(budget) || budget < 0)
        throw new ConnectorFailure(
          "invalid_request",
          `dailyBudgetMinor must be a non-negative integer, got ${budget}`,
        );
      if (change.level === "ad")
        throw new ConnectorFailure(
          "invalid_request",
          "ads carry no budget; set it on the ad group or campaign",
        );
      const current = groups.reduce((t, g) => t + w.groupBudget[g]!, 0);
      for (const g of groups) {
        const share = current > 0 ? w.groupBudget[g]! / current : 1 / groups.length;
        w.setGroupBudget(g, Math.round(budget * 1000 * share));
      }
    } else if (change.kind === "bid") {
      const bid = change.value.bidMinor;
      if (change.level !== "ad_group")
        throw new ConnectorFailure("invalid_request", "bids are set on ad groups");
      if (!Number.isSafeInteger(bid) || bid <= 0)
        throw new ConnectorFailure("invalid_request", `bidMinor must be a positive integer, got ${bid}`);
      w.setGroupBid(index, cw.chanCpc[cw.groupChannel[index]!] === 1 ? bid * 1000 : bid);
    } else {
      const paused = change.value.status === "paused";
      if (change.level === "ad") w.setAdPaused(index, paused);
      else for (const g of groups) w.setGroupPaused(g, paused);
    }
    const after = this.stateOf(change.level, index);
    return {
      ok: true,
      after,
      platformResponse: { applied: change.kind, entity: change.entityExternalId, at: this.sandbox.clock },
    };
  }

  private stateOf(level: EntityLevel, index: number): ChangeResult["after"] {
    const w = this.sandbox.world;
    const cw = w.cw;
    if (level === "ad")
      return { dailyBudgetMinor: null, status: w.adPaused[index] ? "paused" : "active", bidMinor: null };
    if (level === "ad_group")
      return {
        dailyBudgetMinor: Math.round(w.groupBudget[index]! / 1000),
        status: w.groupPaused[index] ? "paused" : "active",
        bidMinor: this.bidMinor(index),
      };
    const groups = [...Array(cw.G).keys()].filter((g) => cw.groupCampaign[g] === index);
    const status: EntityStatus = groups.every((g) => w.groupPaused[g] === 1) ? "paused" : "active";
    return {
      dailyBudgetMinor: Math.round(groups.reduce((t, g) => t + w.groupBudget[g]!, 0) / 1000),
      status,
      bidMinor: null,
    };
  }

  /** Bid in minor units: per click (cpc channels) or per 1000 impressions (cpm). */
  private bidMinor(g: number): number {
    const w = this.sandbox.world;
    const milli = w.groupBid[g]!;
    return Math.round(w.cw.chanCpc[w.cw.groupChannel[g]!] === 1 ? milli / 1000 : milli);
  }

  private idsAt(level: EntityLevel, a: number): { campaignId: string; adGroupId: string; adId: string } {
    const cw = this.sandbox.world.cw;
    const g = cw.adGroup[a]!;
    return {
      campaignId: `cmp-${cw.groupCampaign[g]}`,
      adGroupId: level === "campaign" ? "" : `grp-${g}`,
      adId: level === "ad" ? `ad-${a}` : "",
    };
  }

  private parseId(level: EntityLevel, id: string): number {
    const prefix = level === "campaign" ? "cmp-" : level === "ad_group" ? "grp-" : "ad-";
    const cw = this.sandbox.world.cw;
    const count = level === "campaign" ? cw.P : level === "ad_group" ? cw.G : cw.A;
    const n = id.startsWith(prefix) ? Number(id.slice(prefix.length)) : Number.NaN;
    if (!Number.isInteger(n) || n < 0 || n >= count)
      throw new ConnectorFailure("not_found", `no ${level} with id "${id}"`);
    return n;
  }

  private checkAccount(id: string): void {
    if (id !== this.accountId)
      throw new ConnectorFailure(
        "not_found",
        `unknown account "${id}"; this sandbox has "${this.accountId}"`,
      );
  }

  /** Every call passes through the fault switches: latency, rate limits, errors. */
  private async call<T>(fn: () => T): Promise<T> {
    const date = this.sandbox.clock.date;
    const faults = this.sandbox.faults;
    const latency = faults.active("latency", date);
    const ms = latency && this.dice.next() < latency.rate ? latency.latencyMs : 0;
    if (ms > 0) await this.sleep(ms);
    const limit = faults.active("rate_limit", date);
    if (limit && this.dice.next() < limit.rate) {
      this.record(false, ms, true);
      throw new ConnectorFailure("rate_limit", "sandbox rate limit exceeded (injected fault)", 60_000);
    }
    const errors = faults.active("errors", date);
    if (errors && this.dice.next() < errors.rate) {
      this.record(false, ms, false);
      throw new ConnectorFailure("transient", "sandbox internal error (injected fault)");
    }
    try {
      const value = fn();
      this.record(true, ms, false);
      return value;
    } catch (error) {
      this.record(false, ms, false);
      throw error;
    }
  }

  private record(ok: boolean, ms: number, rateLimited: boolean): void {
    this.recent.push({ ok, ms, rateLimited });
    if (this.recent.length > 500) this.recent.splice(0, this.recent.length - 100);
  }
}
