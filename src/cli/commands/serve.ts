import type { Command } from "commander";
import { featureRoutes } from "../../api/features/index.js";
import { decimalToMinor } from "../../domain/money.js";
import { createGovernance } from "../../governance/index.js";
import { createRng } from "../../models/random/index.js";
import { alertRoutes } from "../../monitoring/api-routes.js";
import {
  createMonitoringMetrics,
  metricsRoutes as monitoringMetricsRoutes,
} from "../../monitoring/metrics.js";
import {
  listServiceAccounts,
  setServiceAccountActive,
  upsertServiceAccount,
} from "../../service/cycle/service-accounts.js";
import { createEventBus } from "../../service/event-bus.js";
import { startHttpServer } from "../../service/http-server.js";
import { SandboxRuntime } from "../../service/sandbox-runtime.js";
import { startService } from "../../service/service.js";
import { mountWebhooks } from "../../service/webhooks.js";
import { resolveAccount } from "../../store/accounts.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { renderTable } from "../table.js";

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("the continuous optimization service with the HTTP API and dashboard")
    .option("--port <port>", "API port (0 picks a free one)", process.env.PORT ?? "8080")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--no-api", "run cycles only (a worker process)")
    .option("--no-scheduler", "do not enqueue cycles (extra workers)")
    .option("--no-worker", "do not run cycles (an API-only process)")
    .option("--concurrency <n>", "cycles this process runs at once (default: 4 on PostgreSQL, 1 embedded)")
    .action(
      async (flags: {
        port: string;
        host: string;
        api: boolean;
        scheduler: boolean;
        worker: boolean;
        concurrency?: string;
      }) => {
        const port = Number(flags.port);
        if (!(Number.isInteger(port) && port >= 0 && port < 65536))
          throw new UsageError(`--port must be 0-65535, got "${flags.port}"`);
        const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
        if (
          concurrency !== undefined &&
          !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)
        )
          throw new UsageError(
            `--concurrency must be a whole number from 1 to 64, got "${flags.concurrency}"`,
          );
        await withStore(async (store, signal) => {
          const bus = createEventBus();
          const metrics = createMonitoringMetrics({ store });
          bus.subscribe("default", (event) => metrics.observeEvent(event));
          const service = await startService(store, bus, {
            scheduler: flags.scheduler,
            worker: flags.worker,
            ...(concurrency === undefined ? {} : { concurrency }),
            metrics,
          });
          let webhooks: string[] = [];
          const http = flags.api
            ? await startHttpServer(
                {
                  store,
                  events: bus,
                  clock: () => new Date(),
                  status: service,
                  routes: [
                    ...featureRoutes({
                      governance: createGovernance({
                        store,
                        clock: () => new Date(),
                        rng: createRng(process.pid),
                      }),
                    }),
                    alertRoutes,
                  ],
                },
                { port, host: flags.host },
                async (app) => {
                  monitoringMetricsRoutes(app, { metrics });
                  webhooks = await mountWebhooks(app, store);
                },
              )
            : null;
          console.log(
            `AdPilot service ${service.workerId} on ${store.location}${http ? `; API ${http.url}` : ""}. Ctrl-C stops.`,
          );
          if (http && webhooks.length > 0)
            console.log(`Webhooks: ${webhooks.map((p) => http.url + p).join(", ")}`);
          await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
          await http?.app.close();
          await service.stop(30_000);
        });
      },
    );

  const service = program.command("service").description("which accounts the service optimises");
  service
    .command("list")
    .option("--workspace <id>", "workspace", "default")
    .action(async (flags: { workspace: string }) => {
      const accounts = await withStore((store) => listServiceAccounts(store, flags.workspace));
      if (accounts.length === 0)
        return void console.log(
          "No accounts are managed yet: `adpilot service add <account> --budget 200.00`.",
        );
      console.log(
        renderTable(
          [
            "account",
            "platform",
            "active",
            "daily budget",
            "interval s",
            "next cycle",
            "failures",
            "last error",
          ],
          accounts.map((a) => [
            a.accountId,
            a.platform,
            a.active ? "yes" : "no",
            `${a.dailyBudgetMinor} minor ${a.currency}`,
            String(a.intervalSeconds),
            `#${a.nextCycleNo} at ${new Date(a.nextRunAt).toISOString()}`,
            String(a.consecutiveFailures),
            a.lastError ?? "-",
          ]),
        ),
      );
    });
  service
    .command("add <account>")
    .description("let the service optimise an account")
    .requiredOption("--budget <amount>", "daily budget to distribute, in the account currency, e.g. 200.00")
    .option("--interval <seconds>", "seconds between cycles", "900")
    .option("--level <level>", "campaign|ad_group: what an arm is", "campaign")
    .option("--workspace <id>", "workspace", "default")
    .action(
      async (
        reference: string,
        flags: { budget: string; interval: string; level: string; workspace: string },
      ) => {
        if (flags.level !== "campaign" && flags.level !== "ad_group")
          throw new UsageError(`--level must be campaign or ad_group`);
        const interval = Number(flags.interval);
        if (!(Number.isInteger(interval) && interval >= 60))
          throw new UsageError(`--interval must be a whole number of seconds >= 60`);
        await withStore(async (store) => {
          const account = await resolveAccount(store, reference, flags.workspace);
          const budget = decimalToMinor(flags.budget, account.currency);
          if (budget === undefined || budget <= 0)
            throw new UsageError(`--budget must be a positive amount like 200.00, got "${flags.budget}"`);
          await upsertServiceAccount(store, {
            accountId: account.id,
            dailyBudgetMinor: budget,
            intervalSeconds: interval,
            armLevel: flags.level as "campaign",
          });
          console.log(
            `account ${account.externalId} (${account.id}) is now optimised every ${interval} s with ${flags.budget} ${account.currency}/day (mode: see \`adpilot config get mode\`)`,
          );
        });
      },
    );
  service
    .command("add-sandbox")
    .description("add a lab sandbox account (no credentials) to optimise")
    .option("--scenario <name>", "lab scenario", "ecommerce")
    .option("--seed <n>", "world seed", "1")
    .option(
      "--interval <seconds>",
      "seconds between cycles (one simulated hour per hour of interval, at least one)",
      "3600",
    )
    .option("--workspace <id>", "workspace", "default")
    .action(async (flags: { scenario: string; seed: string; interval: string; workspace: string }) => {
      await withStore(async (store) => {
        const accountId = `acc_sandbox_${flags.scenario.replace(/[^a-z0-9]+/gi, "_")}_${flags.seed}`;
        const runtime = await SandboxRuntime.open(store, accountId, {
          scenario: flags.scenario,
          seed: Number(flags.seed),
          hoursPerCycle: 1,
        });
        const [platformAccount] = await runtime.connector.listAccounts();
        const entities = await runtime.connector.listEntities(platformAccount.externalId);
        const budget = entities
          .filter((e) => e.level === "campaign")
          .reduce((sum, e) => sum + (e.dailyBudgetMinor ?? 0), 0);
        await store.query(
          `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone)
           VALUES ($1, $2, 'sandbox', $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [
            accountId,
            flags.workspace,
            platformAccount.externalId,
            platformAccount.name,
            platformAccount.currency,
            platformAccount.timeZone,
          ],
        );
        await upsertServiceAccount(store, {
          accountId,
          dailyBudgetMinor: budget,
          intervalSeconds: Number(flags.interval),
          seed: Number(flags.seed),
          scenario: flags.scenario,
        });
        console.log(
          `sandbox account ${accountId} added (${flags.scenario}, budget ${budget} minor units/day, shadow mode until you switch it)`,
        );
      });
    });
  for (const [name, active] of [
    ["pause", false],
    ["resume", true],
  ] as const) {
    service
      .command(`${name} <account>`)
      .description(`${name} the service's cycles for an account`)
      .option("--workspace <id>", "workspace", "default")
      .action(async (reference: string, flags: { workspace: string }) => {
        await withStore(async (store) => {
          const account = await resolveAccount(store, reference, flags.workspace);
          await setServiceAccountActive(store, account.id, active);
          console.log(`account ${account.externalId}: ${active ? "resumed" : "paused"}`);
        });
      });
  }
}
