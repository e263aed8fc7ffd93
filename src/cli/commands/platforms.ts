import type { Command } from "commander";
import {
  checkSecretKeyAtStart,
  credentialPlatforms,
  SecretKeyError,
} from "../../connectors/credentials/index.js";
import { AD_PLATFORMS, connectorFromStore, isAdPlatform } from "../../connectors/registry.js";
import { syncAccount, syncStatus } from "../../connectors/sync.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { formatInteger, renderTable } from "../table.js";

/** `adpilot platforms status` and `adpilot platforms sync [platform]`. */
export function registerPlatforms(program: Command): void {
  const platforms = program
    .command("platforms")
    .description("connected ad platforms: sync status and incremental syncs");
  platforms
    .command("status")
    .description("per account: credentials present, last successful sync, rows stored, errors")
    .option("--json", "print as JSON")
    .action(async (flags: { json?: boolean }) => {
      const { accounts, stored } = await withStore(async (store) => ({
        accounts: await syncStatus(store),
        stored: await credentialPlatforms(store),
      }));
      if (flags.json) {
        console.log(JSON.stringify({ credentials: stored, accounts }, null, 2));
        return;
      }
      if (accounts.length === 0 && stored.length === 0) {
        console.log("No platforms connected. Run `adpilot connect google|meta|tiktok|linkedin`.");
        return;
      }
      console.log(
        renderTable(
          [
            "platform",
            "account",
            "name",
            "credentials",
            "last successful sync",
            "synced through",
            "rows",
            "errors",
            "last error",
          ],
          accounts.map((a) => [
            a.platform,
            a.externalId,
            a.name,
            a.credentialsPresent ? "yes" : "no",
            a.lastSuccessAt ? a.lastSuccessAt.toISOString().replace(/\.\d+Z$/, "Z") : "never",
            a.syncedThrough ?? "-",
            formatInteger(a.rows),
            a.errorCount === 0 ? "0" : `${a.errorCount} (${a.consecutiveFailures} in a row)`,
            a.lastError ? a.lastError.slice(0, 80) : "-",
          ]),
        ),
      );
      const orphan = stored.filter((c) => !accounts.some((a) => a.platform === c.platform));
      for (const c of orphan) console.log(`${c.platform}: credentials stored, no account synced yet`);
    });
  platforms
    .command("sync [platform]")
    .description("incremental sync of every account of the connected platforms (or one platform)")
    .option("--lookback <days>", "days re-read before the last synced date", "7")
    .action(async (only: string | undefined, flags: { lookback: string }) => {
      if (only && !isAdPlatform(only))
        throw new UsageError(`unknown platform "${only}": expected one of ${AD_PLATFORMS.join(", ")}`);
      const lookbackDays = Number(flags.lookback);
      if (!Number.isInteger(lookbackDays) || lookbackDays < 0)
        throw new UsageError(`--lookback must be a whole number of days`);
      await withStore(async (store, signal) => {
        const key = await checkSecretKeyAtStart(store);
        if (!key)
          throw new SecretKeyError("no platform credentials stored: run `adpilot connect <platform>` first");
        const stored = (await credentialPlatforms(store)).map((c) => c.platform).filter(isAdPlatform);
        let failures = 0;
        for (const platform of stored.filter((p) => !only || p === only)) {
          const connector = await connectorFromStore(store, key, platform);
          const known = new Set(
            (await syncStatus(store)).filter((a) => a.platform === platform).map((a) => a.externalId),
          );
          for (const account of (await connector.listAccounts()).filter(
            (a) => known.size === 0 || known.has(a.externalId),
          )) {
            try {
              const r = await syncAccount(store, connector, account, { lookbackDays, signal });
              console.log(
                `${platform} ${account.externalId}: ${r.from}..${r.to}, ${formatInteger(r.rows)} rows`,
              );
            } catch (error) {
              failures++;
              console.error(`${platform} ${account.externalId}: sync failed: ${(error as Error).message}`);
            }
          }
        }
        if (failures > 0)
          throw new Error(`${failures} account(s) failed to sync; see \`adpilot platforms status\``);
      });
    });
}
