import { createWriteStream, statSync } from "node:fs";
import { basename } from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import {
  PRESET_NAMES,
  type PresetName,
  type RowRejection,
  readImportFile,
} from "../../connectors/csv/index.js";
import { importPerformance } from "../../store/performance-import.js";
import { parseKeyValueList, UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { csvLine, formatInteger } from "../table.js";

interface ImportFlags {
  preset?: string;
  account?: string;
  platform?: string;
  currency?: string;
  date?: string;
  map: string[];
  skipInvalid?: boolean;
  rejects?: string;
  timezone?: string;
  dateOrder?: string;
  quiet?: boolean;
  json?: boolean;
}

export function registerImport(program: Command): void {
  program
    .command("import <file>")
    .description("import a performance report (CSV) into the store; idempotent, all-or-nothing by default")
    .option("--preset <name>", `column layout: ${PRESET_NAMES.join("|")} (default: detected from the header)`)
    .option("--account <id>", "ad account id for files without an account column")
    .option("--platform <name>", "platform for files without a platform column")
    .option("--currency <code>", "ISO 4217 currency for files without one (default USD)")
    .option("--date <YYYY-MM-DD>", "one date for a file without dates")
    .option("--map <source=target>", "map a file column onto a standard column (repeatable)", collect, [])
    .option("--date-order <mdy|dmy>", "how to read ambiguous numeric dates such as 05/11/2024")
    .option("--timezone <zone>", "IANA time zone of accounts this import creates (default UTC)")
    .option(
      "--skip-invalid",
      "import the valid rows; write rejected ones with their reasons to a rejects file",
    )
    .option("--rejects <file>", "where --skip-invalid writes rejected rows (default <file>.rejects.csv)")
    .option("--quiet", "no progress bar")
    .option("--json", "print the result as JSON")
    .action(async (file: string, flags: ImportFlags) => {
      await runImport(file, flags);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runImport(file: string, flags: ImportFlags): Promise<void> {
  if (flags.preset && !(PRESET_NAMES as readonly string[]).includes(flags.preset)) {
    throw new UsageError(`unknown preset "${flags.preset}": expected one of ${PRESET_NAMES.join(", ")}`);
  }
  if (flags.dateOrder && flags.dateOrder !== "mdy" && flags.dateOrder !== "dmy") {
    throw new UsageError(`--date-order must be mdy or dmy, got "${flags.dateOrder}"`);
  }
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    throw new UsageError(`cannot read ${file}: no such file`);
  }
  const map: Record<string, string> = {};
  for (const item of flags.map) Object.assign(map, parseKeyValueList(item, "--map", "Cost=cost"));
  const events = readImportFile(file, {
    preset: flags.preset as PresetName | undefined,
    account: flags.account,
    platform: flags.platform,
    currency: flags.currency,
    date: flags.date,
    map,
    dateOrder: flags.dateOrder as "mdy" | "dmy" | undefined,
  });
  const rejectsPath = flags.rejects ?? `${file}.rejects.csv`;
  let rejectsOut: ReturnType<typeof createWriteStream> | undefined;
  const onReject = (r: RowRejection) => {
    if (!rejectsOut) {
      rejectsOut = createWriteStream(rejectsPath);
      rejectsOut.write(`${csvLine(["file", "line", "column", "value", "expected", "reason"])}\n`);
    }
    rejectsOut.write(`${csvLine([r.file, r.line, r.column, r.value, r.expected, r.message])}\n`);
  };
  const showBar = !flags.quiet && !flags.json && process.stderr.isTTY;
  // Rows are not counted up front (the file is streamed once); the bar's total is estimated from the size.
  const estimatedRows = Math.max(1, Math.round(size / 80));
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format: " importing [{bar}] {value} rows  {rate} rows/s",
          stream: process.stderr,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const started = Date.now();
  bar?.start(estimatedRows, 0, { rate: 0 });
  try {
    const result = await withStore((store, signal) =>
      importPerformance(store, events, {
        signal,
        file: basename(file),
        preset: flags.preset ?? "auto",
        skipInvalid: flags.skipInvalid,
        timeZone: flags.timezone,
        onReject,
        onProgress: (rows) => {
          if (!bar) return;
          if (rows > bar.getTotal()) bar.setTotal(Math.round(rows * 1.1));
          bar.update(rows, { rate: formatInteger(rows / Math.max(0.001, (Date.now() - started) / 1000)) });
        },
      }),
    );
    bar?.stop();
    const seconds = (Date.now() - started) / 1000;
    if (flags.json) {
      console.log(
        JSON.stringify(
          { ...result, seconds, rejectsFile: result.rejected > 0 ? rejectsPath : null },
          null,
          2,
        ),
      );
      return;
    }
    console.log(
      `${file}: ${formatInteger(result.rowsRead)} rows read, ${formatInteger(result.inserted)} inserted, ${formatInteger(result.updated)} updated, ${formatInteger(result.unchanged)} unchanged, ${formatInteger(result.rejected)} rejected (${seconds.toFixed(1)} s)`,
    );
    for (const a of result.accounts) {
      console.log(
        `  account ${a.externalId} (${a.platform}, ${a.currency}) -> id ${a.id}${a.created ? " [new]" : ""}`,
      );
    }
    if (result.rejected > 0) console.log(`  rejected rows and their reasons: ${rejectsPath}`);
  } finally {
    bar?.stop();
    await new Promise<void>((resolve) => (rejectsOut ? rejectsOut.end(resolve) : resolve()));
  }
}
