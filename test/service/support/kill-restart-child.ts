/**
 * One life of the lab service for the kill-and-restart test: opens the store (a PostgreSQL database or
 * a PGlite folder), resumes the sandbox account from whatever is committed, and runs cycles on the
 * simulated clock until the account has completed KR_CYCLES of them.
 *
 * Every store operation of a cycle is counted (a query, a statement inside a transaction, the moment
 * right after a commit). With KR_TRACE set, the list of them (cycle, op, where, transaction, statement)
 * is written to that file at the end, so the parent can pick kill points. With KR_KILL_CYCLE and
 * KR_KILL_OP set the child SIGKILLs itself at that operation of that cycle: a kill -9 at an exact point,
 * e.g. inside the transaction that records an applied change, or right after it committed. Without
 * them the parent may still kill it from outside at any time.
 *
 * stdout, one line each: `start <next cycle no>`, `cycle <no>` when a cycle begins,
 * `kill <cycle no> <op> <where> <statement>` just before a self-kill, `done <completed cycles>`.
 */
import { writeFileSync, writeSync } from "node:fs";
import { runCycle } from "../../../src/service/cycle/run-cycle.js";
import { createDemoService } from "../../../src/service/demo/run-demo.js";
import { setAccountConfigValue } from "../../../src/store/accounts.js";
import { openStore, type SqlSession, type Store } from "../../../src/store/index.js";

const env = process.env;
const target = Number(env.KR_CYCLES);
const killCycle = env.KR_KILL_CYCLE ? Number(env.KR_KILL_CYCLE) : null;
const killOp = env.KR_KILL_OP ? Number(env.KR_KILL_OP) : null;
const options = {
  scenario: env.KR_SCENARIO ?? "ecommerce",
  seed: Number(env.KR_SEED ?? 1),
  users: Number(env.KR_USERS ?? 1000),
  hoursPerCycle: Number(env.KR_HOURS_PER_CYCLE ?? 1),
};

let cycleNo = 0;
/** Store operations since the current cycle began. */
let opInCycle = 0;
let txn = 0;
let openTxn = 0;
const trace: string[] | null = env.KR_TRACE ? [] : null;

/** Counts a store operation of the running cycle; at the chosen one, says where it is and dies. */
function op(where: "query" | "in-transaction" | "after-commit", sql = ""): void {
  if (cycleNo === 0) return;
  opInCycle++;
  const statement = sql.replace(/\s+/g, " ").trim().slice(0, 80);
  const t = where === "query" ? 0 : openTxn;
  trace?.push(`${cycleNo}\t${opInCycle}\t${where}\t${t}\t${statement}`);
  if (cycleNo !== killCycle || opInCycle !== killOp) return;
  writeSync(1, `kill ${cycleNo} ${opInCycle} ${where} ${statement}\n`);
  process.kill(process.pid, "SIGKILL");
}

/** The store with every operation counted (and possibly the last). */
function counted(store: Store): Store {
  const session = (s: SqlSession): SqlSession => ({
    async query(text, params) {
      const rows = await s.query(text, params);
      op("in-transaction", text); // a kill here rolls the transaction back
      return rows as never;
    },
    exec: (script) => s.exec(script),
    copyCsv: (table, columns, chunks) => s.copyCsv(table, columns, chunks),
  });
  return {
    ...store,
    async query(text, params) {
      const rows = await store.query(text, params);
      op("query", text);
      return rows as never;
    },
    async transaction(work) {
      const result = await store.transaction((s) => {
        openTxn = ++txn;
        return work(session(s));
      });
      op("after-commit");
      openTxn = 0;
      return result;
    },
  };
}

async function main(): Promise<void> {
  if (!env.KR_DATA_DIR && !env.KR_DATABASE_URL) throw new Error("set KR_DATA_DIR or KR_DATABASE_URL");
  const raw = env.KR_DATA_DIR
    ? await openStore({ dataDir: env.KR_DATA_DIR })
    : await openStore({ databaseUrl: env.KR_DATABASE_URL, poolSize: 2 });
  const store = counted(raw);
  const { accountId, deps } = await createDemoService(store, options);
  // Every move proposed: the test is about crashes around applies, and wants many of them.
  await setAccountConfigValue(raw, accountId, "proposalDeadband", "0", "test");
  if (env.KR_ACCOUNT_CAP) {
    // Room above the scenario's total, so the optimizer's budget moves get applied (the same every life).
    await setAccountConfigValue(raw, accountId, "guardrails.accountDailyBudget", env.KR_ACCOUNT_CAP, "test");
  }
  const next = async () =>
    (
      await raw.query<{ n: number }>(
        "SELECT next_cycle_no AS n FROM service_accounts WHERE account_id = $1",
        [accountId],
      )
    )[0].n;
  let upcoming = await next();
  process.stdout.write(`start ${upcoming}\n`);
  while (upcoming <= target) {
    cycleNo = upcoming;
    opInCycle = 0;
    process.stdout.write(`cycle ${cycleNo}\n`);
    await runCycle(deps, accountId);
    cycleNo = 0;
    upcoming = await next();
  }
  if (env.KR_TRACE && trace) writeFileSync(env.KR_TRACE, `${trace.join("\n")}\n`);
  process.stdout.write(`done ${upcoming - 1}\n`);
  await raw.close();
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
