import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { createApiKey } from "../../api/index.js";
import { readImportFile } from "../../connectors/csv/index.js";
import { minorToMajor } from "../../domain/money.js";
import { FAULT_KINDS, type FaultKind } from "../../lab/scenario/schema.js";
import { alertRoutes } from "../../monitoring/api-routes.js";
import {
  createMonitoringMetrics,
  metricsRoutes as monitoringMetricsRoutes,
} from "../../monitoring/metrics.js";
import { notifiersFromEnv } from "../../monitoring/notify/config.js";
import { demoRoutes } from "../../service/demo/demo-routes.js";
import { DEMO_WORKSPACE } from "../../service/demo/demo-setup.js";
import { formatDaySummary } from "../../service/demo/demo-summary.js";
import { startDemo } from "../../service/demo/run-demo.js";
import { createEventBus } from "../../service/event-bus.js";
import { startHttpServer } from "../../service/http-server.js";
import { importPerformance } from "../../store/performance-import.js";
import { performanceReport } from "../../store/reports.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { formatDecimal, formatInteger, formatPercent, renderTable } from "../table.js";

export const SAMPLE_REPORT = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "examples",
  "ad_report_sample.csv",
);

/** The sample is a Fivetran-normalised report: four columns need renaming onto our standard ones. */
const SAMPLE_MAP = {
  date_day: "date",
  ad_group_id: "adgroup_id",
  spend: "cost",
  conversions_value: "revenue",
};

interface DemoFlags {
  port: string;
  host: string;
  scenario: string;
  speed: string;
  seed: string;
  days?: string;
  sample?: boolean;
  fault?: string;
  oracle: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("the live demo: a sandbox account optimised continuously on a simulated clock (npm start)")
    .option("--scenario <name>", "lab scenario: ecommerce | service-business | subscription-app", "ecommerce")
    .option("--speed <days-per-second>", "simulated days per real second", "0.5")
    .option("--seed <n>", "world seed", "1")
    .option("--days <n>", "stop after this many simulated days")
    .option("--no-oracle", "skip the lab oracle comparison")
    .option("--port <port>", "API and dashboard port (0 picks a free one)", process.env.PORT ?? "8080")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "--fault <kind[@day]>",
      `switch a sandbox fault on after some simulated days (${FAULT_KINDS.join("|")}), e.g. errors@10`,
    )
    .option("--sample", "instead: import the bundled sample report and print it")
    .action(async (flags: DemoFlags) => {
      if (flags.sample) return importSample();
      const speed = Number(flags.speed);
      if (!(speed > 0 && speed <= 100))
        throw new UsageError(
          `--speed must be a number of simulated days per second in (0, 100], got "${flags.speed}"`,
        );
      const days = flags.days === undefined ? undefined : Number(flags.days);
      if (days !== undefined && !(Number.isInteger(days) && days > 0))
        throw new UsageError(`--days must be a positive whole number, got "${flags.days}"`);
      const fault = flags.fault ? parseFault(flags.fault) : undefined;
      const port = Number(flags.port);
      if (!(Number.isInteger(port) && port >= 0 && port < 65536))
        throw new UsageError(`--port must be 0-65535, got "${flags.port}"`);
      await withStore(async (store, signal) => {
        const bus = createEventBus();
        const metrics = createMonitoringMetrics({ store });
        bus.subscribe(DEMO_WORKSPACE, (event) => metrics.observeEvent(event));
        bus.subscribe(DEMO_WORKSPACE, (event) => {
          if (event.type === "alert.opened")
            console.log(`ALERT ${String(event.data.severity ?? "")}: ${String(event.data.title ?? "")}`);
          if (event.type === "alert.resolved") console.log(`resolved: ${String(event.data.title ?? "")}`);
        });
        console.log(
          `AdPilot demo: scenario "${flags.scenario}", data in ${store.location}. Ctrl-C stops; running again resumes.`,
        );
        const handle = await startDemo(
          store,
          {
            scenario: flags.scenario,
            seed: Number(flags.seed),
            speed,
            hoursPerCycle: 6,
            days,
            oracle: flags.oracle,
            fault,
            monitoring: { ...notifiersFromEnv(), metrics },
            paused: true,
          },
          (summary) => console.log(formatDaySummary(summary, handle.currency)),
          bus,
        );
        const key = await createApiKey(store, {
          workspaceId: handle.workspaceId,
          role: "admin",
          name: `demo ${new Date().toISOString()}`,
        });
        const http = await startHttpServer(
          {
            store,
            events: handle.bus,
            clock: () => new Date(),
            status: {
              status: () => ({ state: "running", scenario: flags.scenario, accountId: handle.accountId }),
            },
            routes: [...demoRoutes(store, handle), alertRoutes],
          },
          { port, host: flags.host },
          (app) => monitoringMetricsRoutes(app, { metrics }),
        );
        console.log(`API:       ${http.url}  (OpenAPI ${http.url}/openapi.json, reference ${http.url}/docs)`);
        console.log(`Dashboard: ${http.dashboard ? http.url : "not built (npm run build:web)"}`);
        console.log(`Admin API key for the demo workspace (shown once): ${key.key}`);
        signal.addEventListener("abort", () => void handle.stop());
        handle.resume();
        await handle.done;
        await http.app.close();
      });
    });
}

function parseFault(text: string): { kind: FaultKind; afterDays: number } {
  const [kind, day = "0"] = text.split("@");
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`unknown fault "${kind}": expected one of ${FAULT_KINDS.join(", ")}`);
  }
  const afterDays = Number(day);
  if (!(Number.isInteger(afterDays) && afterDays >= 0))
    throw new UsageError(`--fault day must be a whole number, got "${day}"`);
  return { kind: kind as FaultKind, afterDays };
}

async function importSample(): Promise<void> {
  await withStore(async (store) => {
    const result = await importPerformance(store, readImportFile(SAMPLE_REPORT, { map: SAMPLE_MAP }), {
      file: "ad_report_sample.csv",
      preset: "auto",
    });
    console.log(
      `Imported the bundled sample (${result.rowsRead} rows: ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged) into ${store.location}`,
    );
    const report = await performanceReport(store, { by: "platform", grain: "total" });
    const m = (minor: number | null) =>
      formatDecimal(minor === null ? null : minorToMajor(minor, report.currency));
    const cells = (r: (typeof report.rows)[number]) => [
      r.label,
      m(r.costMinor),
      formatInteger(r.clicks),
      formatDecimal(r.conversions),
      m(r.revenueMinor),
      formatPercent(r.ctr),
      m(r.cacMinor),
      formatDecimal(r.roas),
    ];
    console.log(
      renderTable(
        ["platform", `spend (${report.currency})`, "clicks", "conversions", "revenue", "CTR", "CAC", "ROAS"],
        [...report.rows.map(cells), cells(report.total)],
        new Set([1, 2, 3, 4, 5, 6, 7]),
      ),
    );
  });
}
