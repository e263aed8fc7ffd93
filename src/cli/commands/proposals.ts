import type { Command } from "commander";
import { minorToDecimal } from "../../domain/money.js";
import type { Proposal } from "../../governance/proposals/types.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { renderTable } from "../table.js";
import { type ActorFlags, actorFrom, governanceFor, withActorOptions } from "./governance-context.js";

function valueText(p: Proposal, v: unknown): string {
  const value = v as { dailyBudgetMinor?: number; bidMinor?: number; status?: string };
  if (value.dailyBudgetMinor !== undefined)
    return `${minorToDecimal(value.dailyBudgetMinor, p.currency)} ${p.currency}/day`;
  if (value.bidMinor !== undefined) return `bid ${minorToDecimal(value.bidMinor, p.currency)} ${p.currency}`;
  if (value.status !== undefined) return value.status;
  return JSON.stringify(v);
}

function ids(texts: string[]): number[] {
  return texts.map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`proposal id must be a positive whole number, got "${t}"`);
    return n;
  });
}

export function registerProposals(program: Command): void {
  const proposals = program
    .command("proposals")
    .description("the changefeed: every change the optimizer wants, and its review");
  withActorOptions(
    proposals
      .command("list")
      .description("proposals, newest first")
      .option("--status <status>", "proposed|approved|rejected|expired|applied|failed|rolled_back")
      .option("--account <id>", "one account")
      .option("--limit <n>", "how many", "50")
      .option("--json", "print as JSON"),
  ).action(
    async (flags: ActorFlags & { status?: string; account?: string; limit: string; json?: boolean }) => {
      const list = await withStore((store) =>
        governanceFor(store).proposals.list(actorFrom(flags), {
          ...(flags.status ? { status: flags.status as Proposal["status"] } : {}),
          ...(flags.account ? { accountId: flags.account } : {}),
          limit: Number(flags.limit),
        }),
      );
      if (flags.json) return void console.log(JSON.stringify(list, null, 2));
      if (list.length === 0) return void console.log("No proposals match.");
      console.log(
        renderTable(
          ["id", "status", "account", "entity", "before", "after", "reason"],
          list.map((p) => [
            String(p.id),
            p.status,
            p.accountId,
            `${p.entityLevel} ${p.entityId}`,
            valueText(p, p.before),
            valueText(p, p.after),
            p.reason.slice(0, 60),
          ]),
        ),
      );
    },
  );
  withActorOptions(
    proposals.command("show <id>").description("one proposal with its guardrail clips and audit history"),
  ).action(async (id: string, flags: ActorFlags) => {
    const [n] = ids([id]);
    const { proposal, history } = await withStore((store) =>
      governanceFor(store).proposals.show(actorFrom(flags), n),
    );
    console.log(JSON.stringify({ proposal, history }, null, 2));
  });
  withActorOptions(
    proposals
      .command("approve <ids...>")
      .description("approve one or more proposals (approver or admin; not your own override)")
      .option("--comment <text>", "why"),
  ).action(async (idTexts: string[], flags: ActorFlags & { comment?: string }) => {
    const list = ids(idTexts);
    const approved = await withStore((store) => {
      const g = governanceFor(store);
      return list.length === 1
        ? g.proposals.approve(actorFrom(flags), list[0], flags.comment ?? null).then((p) => [p])
        : g.proposals.approveMany(actorFrom(flags), list, flags.comment ?? null);
    });
    for (const p of approved) console.log(`proposal ${p.id}: ${p.status}`);
  });
  withActorOptions(
    proposals
      .command("reject <id>")
      .description("reject a proposal with a comment")
      .requiredOption("--comment <text>", "why it is rejected (required)"),
  ).action(async (id: string, flags: ActorFlags & { comment: string }) => {
    const [n] = ids([id]);
    const p = await withStore((store) =>
      governanceFor(store).proposals.reject(actorFrom(flags), n, flags.comment),
    );
    console.log(`proposal ${p.id}: ${p.status}`);
  });
}
