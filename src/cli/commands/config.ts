import type { Command } from "commander";
import { configKeys, defaultAccountConfig } from "../../domain/account-config.js";
import { getConfigValue } from "../../domain/account-config-edit.js";
import { getAccountConfig, resolveAccount, setAccountConfigValue } from "../../store/accounts.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";

export function registerConfig(program: Command): void {
  const config = program
    .command("config")
    .description("per-account configuration (validated; defaults from the seeds)");
  config
    .command("show")
    .description("the whole configuration of an account (or the defaults without --account)")
    .option("--account <id>", "account (our id or the platform's)")
    .action(async (flags: { account?: string }) => {
      if (!flags.account) {
        console.log(JSON.stringify(defaultAccountConfig(), null, 2));
        return;
      }
      const account = flags.account;
      const value = await withStore(async (store) =>
        getAccountConfig(store, (await resolveAccount(store, account)).id),
      );
      console.log(JSON.stringify(value, null, 2));
    });
  config
    .command("get <key>")
    .description("one key, e.g. guardrails.velocity6h")
    .requiredOption("--account <id>", "account (our id or the platform's)")
    .action(async (key: string, flags: { account: string }) => {
      const value = await withStore(async (store) =>
        getConfigValue(await getAccountConfig(store, (await resolveAccount(store, flags.account)).id), key),
      );
      console.log(typeof value === "object" ? JSON.stringify(value) : String(value));
    });
  config
    .command("set <key> <value>")
    .description(`set one key; keys: ${configKeys().join(", ")}`)
    .requiredOption("--account <id>", "account (our id or the platform's)")
    .option("--actor <name>", "who makes the change (audit)", process.env.USER ?? "cli")
    .action(async (key: string, value: string, flags: { account: string; actor: string }) => {
      if (key === "mode" && value === "live") {
        throw new UsageError(
          "switching an account to live is an admin action that is audited: use `adpilot mode set live --account ... --confirm` (governance) instead of config set",
        );
      }
      await withStore(async (store) => {
        const account = await resolveAccount(store, flags.account);
        const next = await setAccountConfigValue(store, account.id, key, value, flags.actor);
        console.log(
          `${key} = ${JSON.stringify(getConfigValue(next, key))} for account ${account.externalId}`,
        );
      });
    });
}
