import type {
  AdPlatformConnector,
  ChangeResult,
  ConnectorAccount,
  ConnectorEntity,
  ConnectorHealth,
  EntityChange,
} from "../../../src/connectors/port.js";
import { ConnectorFailure } from "../../../src/connectors/port.js";
import type { Store } from "../../../src/store/index.js";

/**
 * A fake ad platform whose state lives in PostgreSQL tables, so several processes (and processes that
 * get killed) share it. It deliberately ignores idempotency keys: every call mutates and is logged in
 * platform_mutations, so a double apply would show.
 */
export const PLATFORM_SQL = `
CREATE TABLE platform_entities (external_id text PRIMARY KEY, status text NOT NULL, daily_budget_minor bigint NOT NULL);
CREATE TABLE platform_mutations (id bigserial PRIMARY KEY, key text NOT NULL, entity_id text NOT NULL,
  daily_budget_minor bigint NOT NULL, sim_at timestamptz NOT NULL);`;

export class PgPlatform implements AdPlatformConnector {
  readonly platform = "sandbox" as const;
  constructor(
    private readonly store: Store,
    private readonly account: ConnectorAccount,
    private readonly clock: () => Date,
    private readonly onApplied?: () => void,
  ) {}

  async listAccounts(): Promise<ConnectorAccount[]> {
    return [this.account];
  }

  async listEntities(): Promise<ConnectorEntity[]> {
    const rows = await this.store.query<{
      external_id: string;
      status: "active" | "paused";
      daily_budget_minor: number;
    }>("SELECT * FROM platform_entities ORDER BY external_id");
    return rows.map((r) => ({
      level: "campaign",
      externalId: r.external_id,
      parentExternalId: null,
      name: r.external_id,
      status: r.status,
      dailyBudgetMinor: Number(r.daily_budget_minor),
      bidMinor: null,
      channel: "search",
    }));
  }

  async fetchPerformance(): Promise<never[]> {
    return [];
  }

  async applyChange(change: EntityChange): Promise<ChangeResult> {
    if (change.kind !== "daily_budget") throw new ConnectorFailure("invalid_request", "budgets only");
    // a little latency widens the window in which a kill lands between this call and the commit
    await new Promise((resolve) => setTimeout(resolve, 15));
    const [row] = await this.store.query<{ daily_budget_minor: number; status: "active" | "paused" }>(
      `WITH u AS (UPDATE platform_entities SET daily_budget_minor = $2 WHERE external_id = $1 RETURNING *)
       INSERT INTO platform_mutations (key, entity_id, daily_budget_minor, sim_at)
       SELECT $3, external_id, daily_budget_minor, $4 FROM u RETURNING daily_budget_minor, (SELECT status FROM u)`,
      [change.entityExternalId, change.value.dailyBudgetMinor, change.idempotencyKey, this.clock()],
    );
    if (!row) throw new ConnectorFailure("not_found", `no entity ${change.entityExternalId}`);
    // tells the parent test the change is on the platform and not yet committed on our side: a kill now
    // is the crash that reconciliation must survive
    this.onApplied?.();
    await new Promise((resolve) => setTimeout(resolve, this.onApplied ? 100 : 15));
    return {
      ok: true,
      after: { dailyBudgetMinor: Number(row.daily_budget_minor), status: row.status, bidMinor: null },
      platformResponse: { pg: true },
    };
  }

  async health(): Promise<ConnectorHealth> {
    return { ok: true, successRate: 1, p95LatencyMs: 3, rateLimitPressure: 0, tokenExpiresAt: null };
  }
}
