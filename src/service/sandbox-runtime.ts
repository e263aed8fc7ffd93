import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { EntityChange } from "../connectors/port.js";
import { SandboxConnector } from "../connectors/sandbox/connector.js";
import { loadScenario } from "../connectors/sandbox/scenario-files.js";
import type { EntityLevel, EntityStatus } from "../domain/entities.js";
import { updateEntityMirror } from "../governance/context/account.js";
import { SandboxWorld } from "../lab/sandbox-world.js";
import type { Store } from "../store/index.js";
import type { AccountRuntime } from "./cycle/runtime.js";

export interface SandboxRuntimeOptions {
  scenario: string;
  seed: number;
  users?: number;
  /** Simulated hours that pass before each cycle. */
  hoursPerCycle: number;
}

/** A change the store recorded as applied to the platform (a row of applied_changes). */
interface RecordedChange {
  change: EntityChange;
  after: { status: EntityStatus; dailyBudgetMinor: number | null };
  appliedAt: Date;
  reconciled: boolean;
}

/**
 * A sandbox account's runtime: the lab world is restored from its last checkpoint (or created from the
 * scenario), moves forward `hoursPerCycle` simulated hours before each cycle, and is saved in the
 * same transaction that completes the cycle — so a killed service resumes the very same world.
 *
 * The platform keeps what it accepted, though, and a cycle applies its changes before that save: when
 * the process dies in between, the store has them as applied (each apply commits on its own) while
 * the saved world predates them. Each save therefore notes the last applied change it contains; on
 * restore the changes recorded after it are applied again just before the retried cycle applies its
 * own (`restoreAppliedChanges`), which is where the dead attempt had applied them.
 */
export class SandboxRuntime implements AccountRuntime {
  private constructor(
    private readonly store: Store,
    private readonly accountId: string,
    private sandbox: SandboxWorld,
    private readonly options: SandboxRuntimeOptions,
    private connectorInstance: SandboxConnector,
    private unsaved: RecordedChange[],
    /** The saved cycle this world continues (0: the scenario's fresh world). */
    private savedCycle: number,
  ) {}

  static async open(
    store: Store,
    accountId: string,
    options: SandboxRuntimeOptions,
  ): Promise<SandboxRuntime> {
    const saved = await loadSaved(store, accountId, options);
    return new SandboxRuntime(
      store,
      accountId,
      saved.sandbox,
      options,
      new SandboxConnector(saved.sandbox, { seed: options.seed }),
      saved.unsaved,
      saved.cycleNo,
    );
  }

  get connector(): SandboxConnector {
    return this.connectorInstance;
  }

  get world(): SandboxWorld {
    return this.sandbox;
  }

  now() {
    const { date, hour } = this.sandbox.clock;
    return { date, hour, instant: new Date(`${date}T${String(hour).padStart(2, "0")}:00:00Z`) };
  }

  advance(): void {
    this.sandbox.stepHours(this.options.hoursPerCycle);
  }

  async restoreAppliedChanges(): Promise<number> {
    const changes = this.unsaved;
    this.unsaved = [];
    if (changes.length === 0) return 0;
    for (const c of changes) this.connectorInstance.restoreChange(c.change);
    // The cycle's sync has just mirrored the older world; put back what the executor had mirrored.
    await this.store.transaction(async (s) => {
      for (const c of changes) {
        await updateEntityMirror(
          s,
          this.accountId,
          c.change.level,
          c.change.entityExternalId,
          c.after,
          c.appliedAt,
        );
      }
    });
    return changes.filter((c) => !c.reconciled).length;
  }

  /**
   * Back to the last saved world (or the scenario's fresh one), after a failed cycle, so a retry does
   * not skip simulated time; the changes applied since it was saved are restored again by the retry.
   */
  async rollback(): Promise<void> {
    const saved = await loadSaved(this.store, this.accountId, this.options);
    this.sandbox = saved.sandbox;
    this.unsaved = saved.unsaved;
    this.savedCycle = saved.cycleNo;
    this.connectorInstance = new SandboxConnector(saved.sandbox, { seed: this.options.seed });
  }

  /**
   * Reloads the world when the store's saved one is not the one this runtime continues: another
   * worker process ran the account's cycles since (pg-boss hands them to whichever worker is free).
   * Within a cycle nothing is saved yet, so calls made during it keep the world being worked on.
   */
  async refresh(): Promise<void> {
    const [row] = await this.store.query<{ cycle_no: number }>(
      "SELECT cycle_no FROM lab_worlds WHERE account_id = $1",
      [this.accountId],
    );
    if ((row?.cycle_no ?? 0) !== this.savedCycle) await this.rollback();
  }

  async checkpoint(
    session: Parameters<NonNullable<AccountRuntime["checkpoint"]>>[0],
    cycleNo: number,
  ): Promise<void> {
    // Every change committed so far went through this world (the account's cycles run one at a time).
    const [last] = await session.query<{ id: number }>(
      "SELECT coalesce(max(id), 0)::bigint AS id FROM applied_changes WHERE account_id = $1",
      [this.accountId],
    );
    await session.query(
      // Deflated and sent as base64 text: PGlite encodes large bytea parameters ~30x slower than this.
      `INSERT INTO lab_worlds (account_id, scenario, seed, cycle_no, snapshot) VALUES ($1, $2, $3, $4, decode($5, 'base64'))
       ON CONFLICT (account_id) DO UPDATE SET cycle_no = EXCLUDED.cycle_no, snapshot = EXCLUDED.snapshot, updated_at = now()`,
      [
        this.accountId,
        this.options.scenario,
        this.options.seed,
        cycleNo,
        deflateRawSync(this.sandbox.serialize({ appliedThrough: Number(last?.id ?? 0) }), {
          level: 1,
        }).toString("base64"),
      ],
    );
    this.savedCycle = cycleNo; // if the transaction fails, the cycle's rollback() reloads
  }
}

/**
 * The saved world — or, before the first checkpoint, the scenario's fresh one — and the applied
 * changes recorded after it was saved (all of the account's, for a fresh world).
 */
async function loadSaved(
  store: Store,
  accountId: string,
  options: SandboxRuntimeOptions,
): Promise<{ sandbox: SandboxWorld; unsaved: RecordedChange[]; cycleNo: number }> {
  const rows = await store.query<{ snapshot: string; cycle_no: number }>(
    "SELECT encode(snapshot, 'base64') AS snapshot, cycle_no FROM lab_worlds WHERE account_id = $1",
    [accountId],
  );
  let sandbox: SandboxWorld;
  let appliedThrough = 0;
  const cycleNo = rows[0]?.cycle_no ?? 0;
  if (rows.length === 0) {
    sandbox = SandboxWorld.create(loadScenario(options.scenario), options);
  } else {
    const restored = SandboxWorld.restoreWithNotes(
      new Uint8Array(inflateRawSync(Buffer.from(rows[0].snapshot, "base64"))),
    );
    sandbox = restored.sandbox;
    // Worlds saved before the note existed contain every change made until then.
    if (typeof restored.notes.appliedThrough !== "number") return { sandbox, unsaved: [], cycleNo };
    appliedThrough = restored.notes.appliedThrough;
  }
  const changes = await store.query<{
    entity_level: EntityLevel;
    entity_id: string;
    kind: "daily_budget" | "bid" | "status";
    after_state: { status: EntityStatus; dailyBudgetMinor: number | null; bidMinor?: number | null };
    idempotency_key: string;
    applied_at: Date;
    reconciled: boolean;
    account_external_id: string;
  }>(
    `SELECT c.entity_level, c.entity_id, c.kind, c.after_state, c.idempotency_key, c.applied_at, c.reconciled,
            a.external_id AS account_external_id
       FROM applied_changes c JOIN ad_accounts a ON a.id = c.account_id
      WHERE c.account_id = $1 AND c.id > $2 ORDER BY c.id`,
    [accountId, appliedThrough],
  );
  return {
    sandbox,
    cycleNo,
    unsaved: changes.map((r) => ({
      change: entityChange(r),
      after: { status: r.after_state.status, dailyBudgetMinor: r.after_state.dailyBudgetMinor },
      appliedAt: new Date(r.applied_at),
      reconciled: r.reconciled,
    })),
  };
}

function entityChange(r: {
  entity_level: EntityLevel;
  entity_id: string;
  kind: "daily_budget" | "bid" | "status";
  after_state: { status: EntityStatus; dailyBudgetMinor: number | null; bidMinor?: number | null };
  idempotency_key: string;
  account_external_id: string;
}): EntityChange {
  const base = {
    accountExternalId: r.account_external_id,
    level: r.entity_level,
    entityExternalId: r.entity_id,
    idempotencyKey: r.idempotency_key,
  };
  if (r.kind === "daily_budget")
    return {
      ...base,
      kind: "daily_budget",
      value: { dailyBudgetMinor: r.after_state.dailyBudgetMinor ?? 0 },
    };
  if (r.kind === "bid") return { ...base, kind: "bid", value: { bidMinor: r.after_state.bidMinor ?? 0 } };
  return {
    ...base,
    kind: "status",
    value: { status: r.after_state.status === "paused" ? "paused" : "active" },
  };
}
