import type { Command } from "commander";
import {
  acknowledgeAlert,
  listAlerts,
  resolveAlertManually,
  silenceAlert,
} from "../../monitoring/alerts/actions.js";
import type { Alert } from "../../monitoring/alerts/types.js";
import { createEventBus } from "../../service/event-bus.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { renderTable } from "../table.js";

const actor = () => `cli:${process.env.USER ?? "unknown"}`;

function alertId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0)
    throw new UsageError(`alert id must be a positive integer, got "${text}" (see \`adpilot alerts list\`)`);
  return id;
}

/** "30m", "2h", "1d" -> minutes. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*(m|min|h|d)$/.exec(text.trim());
  if (!m) throw new UsageError(`duration "${text}" is not like 30m, 2h or 1d`);
  const n = Number(m[1]);
  return m[2] === "d" ? n * 1440 : m[2] === "h" ? n * 60 : n;
}

function printAlerts(alerts: Alert[]): void {
  if (alerts.length === 0) {
    console.log("No alerts. `adpilot health` shows the latest check results.");
    return;
  }
  console.log(
    renderTable(
      ["id", "severity", "status", "account", "since", "title"],
      alerts.map((a) => [
        String(a.id),
        a.severity,
        a.silencedUntil && a.silencedUntil > new Date() ? `${a.status} (silenced)` : a.status,
        a.accountId ?? "-",
        a.firstSeenAt.toISOString().slice(0, 16).replace("T", " "),
        a.title,
      ]),
      new Set([0]),
    ),
  );
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command("alerts")
    .description("operational alerts: list, acknowledge, silence, resolve");
  const ctx = (store: Parameters<Parameters<typeof withStore>[0]>[0], workspace: string) => ({
    store,
    bus: createEventBus(),
    workspaceId: workspace,
    actor: actor(),
    now: new Date(),
  });

  alerts
    .command("list")
    .description("open and acknowledged alerts, most severe first")
    .option("--all", "include resolved alerts")
    .option("--account <id>", "only this account")
    .option("--severity <level>", "info, warning or critical")
    .option("--workspace <id>", "workspace", "default")
    .option("--json", "print as JSON")
    .action(
      async (flags: {
        all?: boolean;
        account?: string;
        severity?: string;
        workspace: string;
        json?: boolean;
      }) => {
        if (flags.severity && !["info", "warning", "critical"].includes(flags.severity))
          throw new UsageError(`--severity must be info, warning or critical, got "${flags.severity}"`);
        const rows = await withStore((store) =>
          listAlerts(store, {
            workspaceId: flags.workspace,
            status: flags.all ? "all" : "active",
            accountId: flags.account,
            severity: flags.severity as Alert["severity"] | undefined,
          }),
        );
        if (flags.json) console.log(JSON.stringify(rows, null, 2));
        else printAlerts(rows);
      },
    );

  alerts
    .command("ack <id>")
    .description("acknowledge: you are on it (stops escalation)")
    .option("-m, --comment <text>", "note for the history")
    .option("--workspace <id>", "workspace", "default")
    .action(async (id: string, flags: { comment?: string; workspace: string }) => {
      const a = await withStore((store) =>
        acknowledgeAlert(ctx(store, flags.workspace), alertId(id), flags.comment),
      );
      console.log(`Alert ${a.id} acknowledged by ${a.acknowledgedBy}: ${a.title}`);
    });

  alerts
    .command("silence <id> <duration>")
    .description("no notifications or escalation for a while (30m, 2h, 1d); the alert stays open")
    .option("-m, --comment <text>", "note for the history")
    .option("--workspace <id>", "workspace", "default")
    .action(async (id: string, duration: string, flags: { comment?: string; workspace: string }) => {
      const minutes = parseDuration(duration);
      const a = await withStore((store) => {
        const c = ctx(store, flags.workspace);
        return silenceAlert(c, alertId(id), new Date(c.now.getTime() + minutes * 60_000), flags.comment);
      });
      console.log(`Alert ${a.id} silenced until ${a.silencedUntil?.toISOString()}: ${a.title}`);
    });

  alerts
    .command("resolve <id>")
    .description("resolve by hand (a new alert opens if the check still fails)")
    .option("-m, --comment <text>", "note for the history")
    .option("--workspace <id>", "workspace", "default")
    .action(async (id: string, flags: { comment?: string; workspace: string }) => {
      const a = await withStore((store) =>
        resolveAlertManually(ctx(store, flags.workspace), alertId(id), flags.comment),
      );
      console.log(`Alert ${a.id} resolved: ${a.title}`);
    });
}
