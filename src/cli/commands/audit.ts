import type { Command } from "commander";
import { MODES, type Mode } from "../../domain/account-config.js";
import { resolveAccount } from "../../store/accounts.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { type ActorFlags, actorFrom, governanceFor, withActorOptions } from "./governance-context.js";

export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("the append-only, hash-chained audit log");
  withActorOptions(
    audit.command("verify").description("recompute the hash chain and report the first broken link"),
  ).action(async (flags: ActorFlags) => {
    const result = await withStore((store) => governanceFor(store).audit.verify(actorFrom(flags)));
    console.log(JSON.stringify(result, null, 2));
    if (!(result as { ok?: boolean }).ok) process.exitCode = 1;
  });
  withActorOptions(
    audit.command("list").description("recent audit entries").option("--limit <n>", "how many", "50"),
  ).action(async (flags: ActorFlags & { limit: string }) => {
    const rows = await withStore((store) =>
      governanceFor(store).audit.list(actorFrom(flags), { limit: Number(flags.limit) }),
    );
    console.log(JSON.stringify(rows, null, 2));
  });
}

export function registerRollback(program: Command): void {
  withActorOptions(
    program
      .command("rollback [proposalId]")
      .description(
        "restore what a proposal, a cycle or everything since a time changed; the service applies it within one cycle",
      )
      .option("--account <id>", "account (with --cycle or --to)")
      .option("--cycle <cycleId>", "every change of one cycle, e.g. acc_x:42")
      .option("--to <time>", "every change after this time"),
  ).action(
    async (
      proposalId: string | undefined,
      flags: ActorFlags & { account?: string; cycle?: string; to?: string },
    ) => {
      const chosen = [proposalId, flags.cycle, flags.to].filter(Boolean).length;
      if (chosen !== 1)
        throw new UsageError("give exactly one of: a proposal id, --cycle <id>, or --to <time>");
      const result = await withStore(async (store) => {
        const g = governanceFor(store);
        const actor = actorFrom(flags);
        if (proposalId) {
          const n = Number(proposalId);
          if (!Number.isInteger(n) || n <= 0)
            throw new UsageError(`proposal id must be a positive whole number, got "${proposalId}"`);
          return g.rollback.proposal(actor, n);
        }
        if (!flags.account) throw new UsageError("--account is required with --cycle or --to");
        const account = await resolveAccount(store, flags.account, flags.workspace);
        if (flags.cycle) return g.rollback.cycle(actor, account.id, flags.cycle);
        const since = new Date(flags.to ?? "");
        if (Number.isNaN(since.getTime()))
          throw new UsageError(`--to must be a date or date-time, got "${flags.to}"`);
        return g.rollback.to(actor, account.id, since);
      });
      console.log(
        `${result.proposals.length} rollback proposal(s) approved: ${result.proposals.map((p) => p.id).join(", ") || "-"}; already restored: ${result.alreadyRestored.length}`,
      );
    },
  );
}

export function registerMode(program: Command): void {
  withActorOptions(
    program
      .command("mode <mode>")
      .description("switch an account between shadow, canary and live (admin; audited)")
      .requiredOption("--account <id>", "account")
      .requiredOption("--justification <text>", "why")
      .option("--confirm", "required to switch to live: changes then reach the platform"),
  ).action(
    async (
      mode: string,
      flags: ActorFlags & { account: string; justification: string; confirm?: boolean },
    ) => {
      if (!(MODES as readonly string[]).includes(mode))
        throw new UsageError(`mode must be one of ${MODES.join(", ")}, got "${mode}"`);
      if (mode === "live" && !flags.confirm)
        throw new UsageError("live mode applies changes to the real platform: add --confirm");
      const result = await withStore(async (store) => {
        const account = await resolveAccount(store, flags.account, flags.workspace);
        return governanceFor(store).setMode(actorFrom(flags), account.id, mode as Mode, flags.justification);
      });
      console.log(`account ${flags.account}: ${result.from} -> ${result.to}`);
    },
  );
}
