import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { verifyAuditLog } from "../../../src/governance/audit/audit-log.js";
import { SandboxWorld } from "../../../src/lab/sandbox-world.js";
import { createRng, uniformInt } from "../../../src/models/random/index.js";
import { loadArmSnapshots } from "../../../src/service/cycle/arm-snapshots.js";
import type { Store } from "../../../src/store/index.js";
import { ensurePgliteTemplate } from "../../support/pglite-template.js";

/**
 * The kill-and-restart harness shared by test/service/kill-restart.test.ts and
 * bench/service-kill.bench.ts: runs the lab service as a child process, SIGKILLs it at seeded points,
 * restarts it until the run is complete, and reads back everything that must not depend on the kills.
 */

const child = join(import.meta.dirname, "kill-restart-child.ts");

export interface LabRun {
  scenario: string;
  seed: number;
  users: number;
  hoursPerCycle: number;
  cycles: number;
  /** guardrails.accountDailyBudget in major units (room for the optimizer's moves); default: the scenario's total. */
  accountCap?: number;
}

/**
 * Where a run's store lives: a PostgreSQL database of its own, or a PGlite data folder. Not a schema:
 * the governance's advisory locks are per database and keyed by account id, so two runs of the same
 * account in two schemas of one database would take each other's locks.
 */
export type StoreTarget = { databaseUrl: string } | { dataDir: string };

/** Creates an empty database `name` on the server of `adminUrl`; returns its URL. */
export async function createScratchDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A PGlite data folder holding the migrated template (saves each run's initdb and migrations). */
export async function seedPgliteFolder(dataDir: string): Promise<{ dataDir: string }> {
  const template = new Blob([readFileSync(await ensurePgliteTemplate())]);
  const pglite = await PGlite.create({ dataDir, loadDataDir: template });
  await pglite.close();
  return { dataDir };
}

export async function dropScratchDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * One planned kill. `self`: the child SIGKILLs itself at store operation `op` of cycle `cycle` (an exact,
 * reproducible point, picked from a traced uninterrupted run). `external`: the parent sends SIGKILL
 * `afterMs` after the child announced `cycle` — a kill -9 at whatever the child is doing then.
 */
export type PlannedKill =
  | { kind: "self"; phase: KillPhase; cycle: number; op: number }
  | { kind: "external"; cycle: number; afterMs: number };

/** One store operation of the traced run. */
export interface TracedOp {
  cycle: number;
  op: number;
  where: "query" | "in-transaction" | "after-commit";
  /** Transaction number (0: a statement outside any transaction). */
  txn: number;
  statement: string;
}

export function parseTrace(text: string): TracedOp[] {
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const [cycle, op, where, txn, statement = ""] = line.split("\t");
      return {
        cycle: Number(cycle),
        op: Number(op),
        where: where as TracedOp["where"],
        txn: Number(txn),
        statement,
      };
    });
}

/**
 * Where a self-kill lands, named by the transaction it hits (found by a statement it runs) and whether
 * the kill comes before its commit (`-open`) or right after it (`-committed`).
 */
const PHASES = {
  "apply-committed": { marker: "INSERT INTO applied_changes", after: true },
  "record-open": { marker: "INSERT INTO decisions", after: false },
  "apply-open": { marker: "INSERT INTO applied_changes", after: false },
  "record-committed": { marker: "INSERT INTO decisions", after: true },
  "proposal-committed": { marker: "INSERT INTO proposals", after: true },
  // the sync is one statement outside any transaction now, so the open phase to hit is the proposals'
  "proposal-open": { marker: "INSERT INTO proposals", after: false },
  anywhere: { marker: null, after: false },
} as const;
export type KillPhase = keyof typeof PHASES;

/**
 * `kills` kills at distinct seeded cycles: self-kills cycling through the phases above (each at a
 * seeded operation of a seeded cycle in [2, cycles - 1] where that phase occurs), and every
 * `externalEvery`-th one sent from outside at a seeded delay of 0-60 ms into a seeded cycle in
 * [2, cycles - 6] (so the child cannot finish the run before the signal arrives).
 */
export function planKills(
  trace: TracedOp[],
  seed: number,
  cycles: number,
  kills: number,
  externalEvery = 4,
): PlannedKill[] {
  const rng = createRng(seed);
  const pick = <T>(items: T[]): T => items[uniformInt(rng, items.length)] as T;
  const inRange = trace.filter((t) => t.cycle >= 2 && t.cycle < cycles);
  const txnsWith = (marker: string) =>
    new Set(inRange.filter((t) => t.statement.includes(marker)).map((t) => t.txn));
  const taken = new Set<number>();
  const plan: PlannedKill[] = [];
  const phases = Object.keys(PHASES) as KillPhase[];
  let selfKills = 0;
  for (let i = 0; i < kills; i++) {
    if ((i + 1) % externalEvery === 0) {
      let cycle: number;
      do cycle = 2 + uniformInt(rng, Math.max(1, cycles - 7));
      while (taken.has(cycle));
      taken.add(cycle);
      plan.push({ kind: "external", cycle, afterMs: uniformInt(rng, 60) });
      continue;
    }
    const phase = phases[selfKills++ % phases.length] as KillPhase;
    const { marker, after } = PHASES[phase];
    const txns = marker ? txnsWith(marker) : null;
    const candidates = inRange.filter(
      (t) =>
        !taken.has(t.cycle) &&
        (txns === null ||
          (txns.has(t.txn) && (after ? t.where === "after-commit" : t.where === "in-transaction"))),
    );
    if (candidates.length === 0) throw new Error(`no traced operation for a ${phase} kill`);
    const chosen = pick(candidates);
    taken.add(chosen.cycle);
    plan.push({ kind: "self", phase, cycle: chosen.cycle, op: chosen.op });
  }
  return plan.sort((a, b) => a.cycle - b.cycle);
}

/** What one life of the child did: how it ended and the lines it printed. */
export interface Life {
  killed: boolean;
  kill: PlannedKill | null;
  /** The child's own report of where it died (self kills): `cycle op where statement`. */
  diedAt: string | null;
  lines: string[];
  /** Wall time of this life, start to exit. */
  ms: number;
}

function storeEnv(target: StoreTarget): Record<string, string> {
  return "dataDir" in target ? { KR_DATA_DIR: target.dataDir } : { KR_DATABASE_URL: target.databaseUrl };
}

/** Runs the child once; resolves when it exits (completed) or dies (killed). */
export function runLife(
  run: LabRun,
  target: StoreTarget,
  kill: PlannedKill | null,
  tracePath?: string,
): Promise<Life> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child], {
      env: {
        ...process.env,
        LOG_LEVEL: "error",
        KR_CYCLES: String(run.cycles),
        KR_SCENARIO: run.scenario,
        KR_SEED: String(run.seed),
        KR_USERS: String(run.users),
        KR_HOURS_PER_CYCLE: String(run.hoursPerCycle),
        ...storeEnv(target),
        ...(run.accountCap ? { KR_ACCOUNT_CAP: String(run.accountCap) } : {}),
        ...(tracePath ? { KR_TRACE: tracePath } : {}),
        ...(kill?.kind === "self" ? { KR_KILL_CYCLE: String(kill.cycle), KR_KILL_OP: String(kill.op) } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    const started = Date.now();
    let stderr = "";
    let pending = "";
    let timer: NodeJS.Timeout | undefined;
    proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (kill?.kind === "external" && line === `cycle ${kill.cycle}` && !timer) {
          timer = setTimeout(() => proc.kill("SIGKILL"), kill.afterMs);
        }
      }
    });
    proc.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    proc.on("error", reject);
    proc.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (pending) lines.push(pending);
      if (signal === "SIGKILL") {
        const died = lines.find((l) => l.startsWith("kill "));
        resolve({ killed: true, kill, diedAt: died ? died.slice(5) : null, lines, ms: Date.now() - started });
      } else if (code === 0) {
        resolve({ killed: false, kill, diedAt: null, lines, ms: Date.now() - started });
      } else {
        reject(new Error(`the service child exited with ${code ?? signal}: ${stderr.slice(-2000)}`));
      }
    });
  });
}

/**
 * Runs `run` to completion through as many lives as the plan needs: each planned kill ends one life
 * (if the child gets there — the plan is in cycle order, so it always does), and a final life without
 * a kill finishes the run.
 */
export async function runWithKills(run: LabRun, target: StoreTarget, plan: PlannedKill[]): Promise<Life[]> {
  const lives: Life[] = [];
  for (const kill of [...plan, null]) {
    const life = await runLife(run, target, kill);
    lives.push(life);
    if (kill && !life.killed)
      throw new Error(`the child finished the run before its planned kill at ${kill.cycle}`);
    if (!kill && life.killed) throw new Error("the last life was killed without a planned kill");
  }
  return lives;
}

/** Everything that must come out the same with or without kills, as plain comparable data. */
export interface RunOutcome {
  decisions: Record<string, unknown>[];
  allocations: Record<string, unknown>[];
  cycles: Record<string, unknown>[];
  account: Record<string, unknown>[];
  world: Record<string, unknown>[];
  campaigns: Record<string, unknown>[];
  performance: Record<string, unknown>[];
  proposals: Record<string, unknown>[];
  appliedChanges: Record<string, unknown>[];
  approvals: Record<string, unknown>[];
  audit: Record<string, unknown>[];
  /** `adpilot audit verify` over the whole log: every chain must still link after the kills. */
  auditChain: unknown[];
  /** The arms' state after the last cycle, as the next cycle's planner would read it (posterior inputs). */
  arms: unknown[];
}

/**
 * Reads a run's outcome. Left out on purpose: wall-clock columns (started_at, finished_at, duration,
 * created_at/updated_at defaults, next_run_at), attempt counters, and surrogate ids from sequences —
 * a transaction rolled back by a kill still consumes its ids, so proposals are matched by their
 * idempotency key instead (and the platform key of an applied change, which embeds the proposal id,
 * is left out).
 */
export async function readOutcome(store: Store, accountId: string): Promise<RunOutcome> {
  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = [accountId]) =>
    store.query<T>(sql, params);
  const [last] = await q<{ date: string; hour: number; currency: string; level: "campaign" | "ad_group" }>(
    `SELECT to_char(max(c.sim_time) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date,
            extract(hour FROM max(c.sim_time) AT TIME ZONE 'UTC')::int AS hour,
            max(a.currency) AS currency, max(s.arm_level) AS level
       FROM cycles c JOIN ad_accounts a ON a.id = c.account_id JOIN service_accounts s USING (account_id)
      WHERE c.account_id = $1`,
  );
  return {
    decisions: await q(
      `SELECT cycle_no, arm_id, channel, action, confidence, reason, explanation, factors, numbers, propensity,
              current_budget_minor, target_budget_minor
         FROM decisions WHERE account_id = $1 ORDER BY cycle_no, arm_id`,
    ),
    allocations: await q(
      "SELECT cycle_no, arm_id, channel, budget_minor, share FROM allocations WHERE account_id = $1 ORDER BY cycle_no, arm_id",
    ),
    cycles: await q(
      `SELECT cycle_no, status, sim_time, error, summary - 'durationMs' AS summary
         FROM cycles WHERE account_id = $1 ORDER BY cycle_no`,
    ),
    account: await q(
      `SELECT next_cycle_no, consecutive_failures, last_error, daily_budget_minor, active
         FROM service_accounts WHERE account_id = $1`,
    ),
    world: (
      await q<{ cycle_no: number; scenario: string; seed: number; snapshot: string }>(
        "SELECT cycle_no, scenario, seed, encode(snapshot, 'base64') AS snapshot FROM lab_worlds WHERE account_id = $1",
      )
    ).map((w) => ({ ...w, snapshot: worldDigest(w.snapshot) })),
    campaigns: await q(
      "SELECT external_id, name, channel, status, daily_budget_minor FROM campaigns WHERE account_id = $1 ORDER BY 1",
    ),
    performance: await q(
      `SELECT date, campaign_id, adgroup_id, ad_id, impressions, clicks, cost_minor, conversions, revenue_minor,
              name_hash, extras, source
         FROM performance_daily WHERE account_id = $1 ORDER BY date, campaign_id, adgroup_id, ad_id`,
    ),
    proposals: await q(
      `SELECT idempotency_key, entity_level, entity_id, kind, before_value, after_value, requested_value,
              guardrail_reasons, guardrail_inputs, reason, factors, mode, origin, cycle_id, created_by, created_at,
              revision, content_hash, requires_approval, approval_reasons, status, status_changed_at,
              status_changed_by, status_comment, expires_at, next_attempt_at, last_error, applied_at
         FROM proposals WHERE account_id = $1 ORDER BY idempotency_key`,
    ),
    appliedChanges: await q(
      `SELECT p.idempotency_key AS proposal, a.entity_level, a.entity_id, a.kind, a.before_state, a.after_state,
              a.platform_response, a.reconciled, a.applied_at, a.applied_by
         FROM applied_changes a JOIN proposals p ON p.id = a.proposal_id
        WHERE a.account_id = $1 ORDER BY p.idempotency_key`,
    ),
    approvals: await q(
      `SELECT p.idempotency_key AS proposal, a.revision, a.content_hash, a.decision, a.actor, a.comment, a.decided_at
         FROM approvals a JOIN proposals p ON p.id = a.proposal_id
        WHERE p.account_id = $1 ORDER BY p.idempotency_key, a.revision`,
    ),
    audit: await q(
      // the position along the account's chain: seq (like proposal ids) comes from a sequence, and a
      // transaction killed midway uses numbers up without writing them
      `SELECT row_number() OVER (ORDER BY seq)::int AS position, at, actor, action, subject_type
         FROM audit_log WHERE account_id = $1 ORDER BY seq`,
    ),
    auditChain: [await verifyAuditLog(store)],
    arms: (
      await loadArmSnapshots(store, {
        accountId,
        currency: last.currency,
        asOf: last.date,
        hourOfDay: last.hour,
        level: last.level,
      })
    ).map((a) => ({ ...a })),
  };
}

/**
 * A digest of the saved world itself, without the notes saved with it (the id of the last applied
 * change it contains differs between runs: a transaction rolled back by a kill still used up ids).
 */
function worldDigest(base64: string): string {
  const bytes = new Uint8Array(inflateRawSync(Buffer.from(base64, "base64")));
  return createHash("sha256").update(SandboxWorld.restoreWithNotes(bytes).sandbox.serialize()).digest("hex");
}

/** The parts of two outcomes that differ (empty when the runs agree). */
export function mismatches(a: RunOutcome, b: RunOutcome): string[] {
  const out: string[] = [];
  for (const key of Object.keys(a) as (keyof RunOutcome)[]) {
    const left = a[key];
    const right = b[key];
    if (JSON.stringify(left) === JSON.stringify(right)) continue;
    const found = left.findIndex((row, n) => JSON.stringify(row) !== JSON.stringify(right[n]));
    const i = found === -1 ? left.length : found;
    out.push(
      `${key}: ${left.length} vs ${right.length} rows, first difference at row ${i}: ${rowDiff(left[i], right[i])}`,
    );
  }
  return out;
}

/** The fields in which two rows differ, as `field: left -> right`. */
function rowDiff(left: unknown, right: unknown): string {
  if (typeof left !== "object" || typeof right !== "object" || !left || !right)
    return `${JSON.stringify(left)?.slice(0, 300)} -> ${JSON.stringify(right)?.slice(0, 300)}`;
  const a = left as Record<string, unknown>;
  const b = right as Record<string, unknown>;
  const id = JSON.stringify(Object.values(a).slice(0, 2));
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
  );
  return `${id} ${fields.map((k) => `${k}: ${JSON.stringify(a[k])?.slice(0, 300)} -> ${JSON.stringify(b[k])?.slice(0, 300)}`).join("; ")}`;
}

/** Gaps and duplicates in the decisions: every cycle 1..cycles has exactly one decision per arm. */
export function decisionGaps(outcome: RunOutcome, cycles: number): string[] {
  const arms = new Set(outcome.decisions.map((d) => d.arm_id));
  const perCycle = new Map<number, string[]>();
  for (const d of outcome.decisions) {
    const list = perCycle.get(d.cycle_no as number) ?? [];
    list.push(d.arm_id as string);
    perCycle.set(d.cycle_no as number, list);
  }
  const problems: string[] = [];
  for (let c = 1; c <= cycles; c++) {
    const got = perCycle.get(c) ?? [];
    if (got.length !== arms.size || new Set(got).size !== arms.size)
      problems.push(`cycle ${c}: ${got.length} decisions for ${arms.size} arms`);
  }
  for (const c of perCycle.keys()) if (c < 1 || c > cycles) problems.push(`unexpected cycle ${c}`);
  return problems;
}
