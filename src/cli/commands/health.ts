import type { Command } from "commander";
import { listAlerts } from "../../monitoring/alerts/actions.js";
import { undeliveredCount } from "../../monitoring/notify/outbox.js";
import { latestCheckResults } from "../../monitoring/run-pass.js";
import { withStore } from "../store-session.js";
import { renderTable } from "../table.js";

export function registerHealth(program: Command): void {
  program
    .command("health")
    .description("the latest result of every monitoring check, open alerts and undelivered notifications")
    .option("--workspace <id>", "workspace", "default")
    .option("--json", "print as JSON")
    .action(async (flags: { workspace: string; json?: boolean }) => {
      const { checks, alerts, undelivered } = await withStore(async (store) => ({
        checks: await latestCheckResults(store, flags.workspace),
        alerts: await listAlerts(store, { workspaceId: flags.workspace }),
        undelivered: await undeliveredCount(store),
      }));
      if (flags.json) {
        console.log(JSON.stringify({ checks, alerts, undelivered }, null, 2));
        return;
      }
      if (checks.length === 0)
        console.log("No checks have run yet: the service runs them every minute and after each cycle.");
      else
        console.log(
          renderTable(
            ["account", "check", "status", "checked", "summary"],
            checks.map((c) => [
              c.accountId || "-",
              c.check,
              c.status.toUpperCase(),
              new Date(c.checkedAt).toISOString().slice(0, 16).replace("T", " "),
              c.summary,
            ]),
          ),
        );
      const critical = alerts.filter((a) => a.severity === "critical").length;
      console.log(
        `\n${alerts.length} open alert${alerts.length === 1 ? "" : "s"} (${critical} critical); ${undelivered} notification${undelivered === 1 ? "" : "s"} waiting for delivery.`,
      );
      if (alerts.length > 0) console.log("`adpilot alerts list` shows them.");
    });
}
