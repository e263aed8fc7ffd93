import type { Command } from "commander";
import { listAccounts } from "../../store/accounts.js";
import { withStore } from "../store-session.js";
import { renderTable } from "../table.js";

export function registerAccounts(program: Command): void {
  program
    .command("accounts")
    .description("list the ad accounts in the store")
    .option("--json", "print as JSON")
    .action(async (flags: { json?: boolean }) => {
      const accounts = await withStore((store) => listAccounts(store));
      if (flags.json) {
        console.log(JSON.stringify(accounts, null, 2));
        return;
      }
      if (accounts.length === 0) {
        console.log("No accounts yet. Import a report with `adpilot import <file.csv>`.");
        return;
      }
      console.log(
        renderTable(
          ["id", "platform", "account", "currency", "time zone", "status"],
          accounts.map((a) => [a.id, a.platform, a.externalId, a.currency, a.timeZone, a.status]),
        ),
      );
    });
}
