import type { Command } from "commander";
import { decimalToMinor } from "../../domain/money.js";
import type { OverrideKind } from "../../governance/index.js";
import { resolveAccount } from "../../store/accounts.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { renderTable } from "../table.js";
import { type ActorFlags, actorFrom, governanceFor, withActorOptions } from "./governance-context.js";

const KINDS: OverrideKind[] = ["pin_budget", "pin_share", "pause", "forbid"];

interface AddFlags extends ActorFlags {
  account: string;
  kind: string;
  campaign?: string;
  adGroup?: string;
  channel?: string;
  budget?: string;
  share?: string;
  justification: string;
  expires: string;
}

export function registerOverrides(program: Command): void {
  const override = program
    .command("override")
    .description("analyst overrides: pin, pause or forbid, with a justification and an expiry");
  withActorOptions(
    override
      .command("add")
      .description("add an override (pin_budget and pause become a proposal another person approves)")
      .requiredOption("--account <id>", "account (our id or the platform's)")
      .requiredOption("--kind <kind>", KINDS.join("|"))
      .option("--campaign <id>", "the campaign it applies to")
      .option("--ad-group <id>", "the ad group it applies to")
      .option("--channel <name>", "the channel (pin_share, forbid)")
      .option("--budget <amount>", "pin_budget: daily budget in the account currency, e.g. 250.00")
      .option("--share <fraction>", "pin_share: share of the budget, 0-1")
      .requiredOption("--justification <text>", "why (required)")
      .requiredOption("--expires <date-time>", "when it ends, e.g. 2026-12-31 or 2026-12-31T18:00:00Z"),
  ).action(async (flags: AddFlags) => {
    if (!(KINDS as string[]).includes(flags.kind))
      throw new UsageError(`--kind must be one of ${KINDS.join(", ")}, got "${flags.kind}"`);
    const expiresAt = new Date(flags.expires);
    if (Number.isNaN(expiresAt.getTime()))
      throw new UsageError(`--expires must be a date or date-time, got "${flags.expires}"`);
    const result = await withStore(async (store) => {
      const account = await resolveAccount(store, flags.account, flags.workspace);
      const entity = flags.adGroup
        ? { level: "ad_group" as const, id: flags.adGroup }
        : flags.campaign
          ? { level: "campaign" as const, id: flags.campaign }
          : undefined;
      let value: { dailyBudgetMinor?: number; share?: number } | undefined;
      if (flags.budget !== undefined) {
        const minor = decimalToMinor(flags.budget, account.currency);
        if (minor === undefined || minor < 0)
          throw new UsageError(`--budget must be a non-negative amount like 250.00, got "${flags.budget}"`);
        value = { dailyBudgetMinor: minor };
      }
      if (flags.share !== undefined) value = { share: Number(flags.share) };
      return governanceFor(store).overrides.add(actorFrom(flags), {
        accountId: account.id,
        kind: flags.kind as OverrideKind,
        ...(entity ? { entity } : {}),
        ...(flags.channel ? { channel: flags.channel } : {}),
        ...(value ? { value } : {}),
        justification: flags.justification,
        expiresAt,
      });
    });
    console.log(
      `override ${result.override.id} added (${result.override.kind}, until ${result.override.expiresAt.toISOString()})`,
    );
    if (result.proposal) console.log(`  proposal ${result.proposal.id} awaits approval by someone else`);
  });
  withActorOptions(
    override
      .command("list")
      .description("active and past overrides")
      .option("--account <id>", "one account")
      .option("--json"),
  ).action(async (flags: ActorFlags & { account?: string; json?: boolean }) => {
    const list = await withStore((store) =>
      governanceFor(store).overrides.list(
        actorFrom(flags),
        flags.account ? { accountId: flags.account } : {},
      ),
    );
    if (flags.json) return void console.log(JSON.stringify(list, null, 2));
    if (list.length === 0) return void console.log("No overrides.");
    console.log(
      renderTable(
        ["id", "account", "kind", "target", "value", "by", "expires", "ended", "justification"],
        list.map((o) => [
          String(o.id),
          o.accountId,
          o.kind,
          o.entityId ? `${o.entityLevel} ${o.entityId}` : (o.channel ?? "-"),
          JSON.stringify(o.value),
          o.createdBy,
          o.expiresAt.toISOString().slice(0, 16),
          o.endedAt ? o.endedAt.toISOString().slice(0, 16) : "-",
          o.justification.slice(0, 50),
        ]),
      ),
    );
  });
  withActorOptions(
    override
      .command("end <id>")
      .description("end an override early")
      .requiredOption("--reason <text>", "why it ends"),
  ).action(async (id: string, flags: ActorFlags & { reason: string }) => {
    const n = Number(id);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`override id must be a positive whole number, got "${id}"`);
    const o = await withStore((store) =>
      governanceFor(store).overrides.end(actorFrom(flags), n, flags.reason),
    );
    console.log(`override ${o.id} ended`);
  });
  withActorOptions(
    override
      .command("impact")
      .description("what each override did, per override and per analyst")
      .option("--account <id>"),
  ).action(async (flags: ActorFlags & { account?: string }) => {
    const report = await withStore((store) =>
      governanceFor(store).overrides.impactReport(actorFrom(flags), flags.account),
    );
    console.log(JSON.stringify(report, null, 2));
  });
}
