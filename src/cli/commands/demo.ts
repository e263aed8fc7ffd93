import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { readImportFile } from "../../connectors/csv/index.js";
import { minorToMajor } from "../../domain/money.js";
import { formatDaySummary } from "../../service/demo/demo-summary.js";
import { startDemo } from "../../service/demo/run-demo.js";
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
  scenario: string;
  speed: string;
  seed: string;
  days?: string;
  sample?: boolean;
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
      await withStore(async (store, signal) => {
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
          },
          (summary) => console.log(formatDaySummary(summary, handle.currency)),
        );
        signal.addEventListener("abort", () => void handle.stop());
        await handle.done;
      });
    });
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
