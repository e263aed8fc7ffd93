import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { readImportFile } from "../../connectors/csv/index.js";
import { minorToMajor } from "../../domain/money.js";
import { importPerformance } from "../../store/performance-import.js";
import { performanceReport } from "../../store/reports.js";
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

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("the quick-start demo: imports the bundled sample report and prints the report by platform")
    .action(async () => {
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
            [
              "platform",
              `spend (${report.currency})`,
              "clicks",
              "conversions",
              "revenue",
              "CTR",
              "CAC",
              "ROAS",
            ],
            [...report.rows.map(cells), cells(report.total)],
            new Set([1, 2, 3, 4, 5, 6, 7]),
          ),
        );
        console.log(
          "\nNext: `npm run adpilot -- report --by campaign --grain day`, or import your own export.",
        );
      });
    });
}
