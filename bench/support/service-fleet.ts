// A fleet of synthetic accounts for the service benchmark: seeded with set-based SQL (seconds, not
// minutes), and an in-memory platform per account that answers instantly with what the store holds,
// so the benchmark times AdPilot's cycle (state load, posteriors, plan, proposals, save), not a lab
// simulation or a network.
import type {
  AdPlatformConnector,
  ChangeResult,
  ConnectorEntity,
  EntityChange,
  PerformanceRequest,
} from "../../src/connectors/port.js";
import type { PerformanceFact } from "../../src/domain/performance.js";
import { addDays } from "../../src/domain/time.js";
import type { AccountRuntime } from "../../src/service/cycle/runtime.js";
import type { Store } from "../../src/store/index.js";

export interface FleetShape {
  accounts: number;
  arms: number;
  /** Days of daily history before `today`. */
  historyDays: number;
  /** The local date the cycles plan for (history ends the day before). */
  today: string;
}

export const accountIdOf = (i: number) => `acc_${String(i).padStart(5, "0")}`;

/**
 * Accounts, campaigns (the arms, over six channels), daily performance and service rows. Each arm has
 * its own conversion rate and order value, so posteriors and decisions differ between arms.
 */
export async function seedFleet(store: Store, shape: FleetShape): Promise<void> {
  const from = addDays(shape.today, -shape.historyDays);
  const to = addDays(shape.today, -1);
  await store.query(
    `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency)
     SELECT 'acc_' || lpad(a::text, 5, '0'), 'default', 'sandbox', 'ext_' || a, 'Bench ' || a, 'USD'
     FROM generate_series(1, $1::int) a`,
    [shape.accounts],
  );
  await store.query(
    `INSERT INTO campaigns (account_id, external_id, name, channel, status, daily_budget_minor)
     SELECT 'acc_' || lpad(a::text, 5, '0'), 'c' || lpad(i::text, 3, '0'), 'Campaign ' || i,
            (ARRAY['search','shopping','social','video','display','email'])[1 + i % 6], 'active',
            10000 + ((a * 7 + i * 13) % 40) * 500
     FROM generate_series(1, $1::int) a, generate_series(1, $2::int) i ORDER BY a, i`,
    [shape.accounts, shape.arms],
  );
  // Spend near the budget; conversion rate and order value vary by arm (and a little by day).
  await store.query(
    `INSERT INTO performance_daily (account_id, date, campaign_id, impressions, clicks, cost_minor, conversions, revenue_minor, source)
     SELECT c.account_id, d::date, c.external_id, 8000 + k % 4000, 160 + k % 120,
            c.daily_budget_minor * (90 + k % 20) / 100,
            ((160 + k % 120) * (0.01 + (h % 50) / 1000.0))::float8,
            ((160 + k % 120) * (0.01 + (h % 50) / 1000.0) * (4000 + (h * 31) % 6000))::bigint,
            'import'
     FROM campaigns c
       CROSS JOIN generate_series($1::date, $2::date, '1 day') d
       CROSS JOIN LATERAL (SELECT abs(hashtext(c.account_id || c.external_id)) % 1000003 AS h) hh
       CROSS JOIN LATERAL (SELECT (h + extract(doy FROM d)::int * 37) AS k) kk`,
    [from, to],
  );
  await store.query(
    `INSERT INTO service_accounts (account_id, daily_budget_minor, interval_seconds, arm_level, seed)
     SELECT c.account_id, sum(c.daily_budget_minor), 3600, 'campaign', row_number() OVER (ORDER BY c.account_id)
     FROM campaigns c GROUP BY c.account_id`,
  );
  await store.query("ANALYZE");
}

/**
 * One account's platform: entities and the last days' performance as stored, today's so far (yesterday's
 * scaled to the clock's hour, so each cycle's sync changes today's rows), changes accepted.
 */
class InstantPlatform implements AdPlatformConnector {
  readonly platform = "sandbox" as const;
  constructor(
    private readonly entities: ConnectorEntity[],
    private readonly recent: PerformanceFact[],
    private readonly today: string,
    private readonly clock: { hour: number },
  ) {}
  async listAccounts() {
    return [];
  }
  async listEntities(): Promise<ConnectorEntity[]> {
    return this.entities.map((e) => ({ ...e }));
  }
  async fetchPerformance(request: PerformanceRequest): Promise<PerformanceFact[]> {
    const yesterday = addDays(this.today, -1);
    const part = (n: number) => Math.round((n * this.clock.hour) / 24);
    const today = this.recent
      .filter((f) => f.date === yesterday)
      .map((f) => ({
        ...f,
        date: this.today,
        impressions: part(f.impressions),
        clicks: part(f.clicks),
        costMinor: part(f.costMinor),
        conversions: (f.conversions * this.clock.hour) / 24,
        revenueMinor: part(f.revenueMinor),
      }));
    return [...this.recent, ...today].filter((f) => f.date >= request.from && f.date <= request.to);
  }
  async applyChange(change: EntityChange): Promise<ChangeResult> {
    const entity = this.entities.find((e) => e.externalId === change.entityExternalId);
    if (entity && change.kind === "daily_budget") entity.dailyBudgetMinor = change.value.dailyBudgetMinor;
    return {
      ok: true,
      after: entity
        ? { dailyBudgetMinor: entity.dailyBudgetMinor, status: entity.status, bidMinor: null }
        : null,
      platformResponse: { bench: true },
    };
  }
  async health() {
    return { ok: true, successRate: 1, p95LatencyMs: 0, rateLimitPressure: null, tokenExpiresAt: null };
  }
}

/**
 * A runtime per account (of `accountIds`, or all) on a clock the benchmark moves (`hour`), over an
 * instant platform.
 */
export async function fleetRuntimes(
  store: Store,
  shape: FleetShape,
  clock: { hour: number },
  accountIds: readonly string[] | null = null,
): Promise<Map<string, AccountRuntime>> {
  const campaigns = await store.query<{
    account_id: string;
    external_id: string;
    name: string;
    channel: string;
    daily_budget_minor: number;
  }>(
    `SELECT account_id, external_id, name, channel, daily_budget_minor FROM campaigns
     WHERE $1::text[] IS NULL OR account_id = ANY($1::text[]) ORDER BY 1, 2`,
    [accountIds],
  );
  const rows = await store.query<{
    account_id: string;
    date: string;
    campaign_id: string;
    impressions: number;
    clicks: number;
    cost_minor: number;
    conversions: number;
    revenue_minor: number;
  }>(
    `SELECT account_id, date, campaign_id, impressions, clicks, cost_minor, conversions, revenue_minor
     FROM performance_daily WHERE date >= $1 AND ($2::text[] IS NULL OR account_id = ANY($2::text[]))`,
    [addDays(shape.today, -3), accountIds],
  );
  const facts = new Map<string, PerformanceFact[]>();
  for (const r of rows) {
    const list = facts.get(r.account_id) ?? [];
    const fact: PerformanceFact = {
      accountId: r.account_id,
      date: r.date,
      hour: -1,
      campaignId: r.campaign_id,
      adGroupId: "",
      adId: "",
      impressions: r.impressions,
      clicks: r.clicks,
      costMinor: r.cost_minor,
      conversions: r.conversions,
      revenueMinor: r.revenue_minor,
      currency: "USD",
    };
    list.push(fact);
    facts.set(r.account_id, list);
  }
  const entities = new Map<string, ConnectorEntity[]>();
  for (const c of campaigns) {
    const list = entities.get(c.account_id) ?? [];
    list.push({
      level: "campaign",
      externalId: c.external_id,
      parentExternalId: null,
      name: c.name,
      status: "active",
      dailyBudgetMinor: c.daily_budget_minor,
      bidMinor: null,
      channel: c.channel,
    });
    entities.set(c.account_id, list);
  }
  const runtimes = new Map<string, AccountRuntime>();
  for (const [accountId, list] of entities) {
    const connector = new InstantPlatform(list, facts.get(accountId) ?? [], shape.today, clock);
    runtimes.set(accountId, {
      connector,
      now: () => ({
        date: shape.today,
        hour: clock.hour,
        instant: new Date(`${shape.today}T${String(clock.hour).padStart(2, "0")}:00:00Z`),
      }),
    });
  }
  return runtimes;
}
