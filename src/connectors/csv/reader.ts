import { createReadStream } from "node:fs";
import { type CsvError, type Parser, parse } from "csv-parse";
import type { StandardColumn } from "./columns.js";
import { planColumns } from "./header.js";
import { resolveOptions } from "./options.js";
import { detectPreset, PRESETS } from "./presets.js";
import { type RowContext, RowConverter } from "./row.js";
import { type ImportEvent, ImportFileError, type ImportOptions } from "./types.js";

/** Title lines before the header (Google Ads and LinkedIn exports have them) are skipped, at most this many. */
const MAX_PREAMBLE_LINES = 10;

/** Reads a CSV file as validated standard rows and rejections, streaming in constant memory. */
export async function* readImportFile(path: string, options: ImportOptions): AsyncGenerator<ImportEvent> {
  const input = createReadStream(path);
  try {
    yield* readImportStream(input, path, options);
  } finally {
    input.destroy();
  }
}

/**
 * Reads CSV text from `input` (a file's bytes; a byte-order mark and CRLF line ends are fine).
 * Throws ImportFileError for file-level problems; every record after the header becomes either a
 * row or a rejection, in file order. Blank lines and platform summary lines ("Total: ...") are skipped.
 */
export async function* readImportStream(
  input: NodeJS.ReadableStream,
  fileLabel: string,
  options: ImportOptions,
): AsyncGenerator<ImportEvent> {
  const resolved = resolveOptions(options, fileLabel);
  const records = new RecordSource(input, fileLabel);
  try {
    let header: string[] | undefined;
    for (let i = 0; i <= MAX_PREAMBLE_LINES && header === undefined; i++) {
      const next = await records.next();
      if (next === undefined) break;
      if (next.cells.filter((c) => c.trim() !== "").length > 1) header = next.cells;
    }
    if (header === undefined) {
      throw new ImportFileError(`${fileLabel}: no header line found: the file is empty or has no columns`, {
        file: fileLabel,
        line: 1,
      });
    }
    const preset = PRESETS[resolved.preset ?? detectPreset(header)];
    const supplied = new Set<StandardColumn>();
    if (resolved.date !== undefined) supplied.add("date");
    if (resolved.platform !== undefined || preset.platform !== undefined) supplied.add("platform");
    if (resolved.accountId !== undefined) supplied.add("account_id");
    const plan = planColumns({
      file: fileLabel,
      header,
      preset,
      map: resolved.map,
      suppliedElsewhere: supplied,
    });
    if (resolved.date !== undefined && plan.sources.date !== undefined) {
      throw new ImportFileError(
        `${fileLabel}: --date is for a file without dates, but this file has a date column "${plan.sources.date.name}"`,
        { file: fileLabel, line: 1, column: plan.sources.date.name },
      );
    }
    const context: RowContext = {
      file: fileLabel,
      plan,
      preset,
      width: header.length,
      date: resolved.date,
      platform: resolved.platform ?? preset.platform,
      accountId: resolved.accountId,
      currency: resolved.currency,
      dateOrder: resolved.dateOrder ?? preset.dateOrder,
      minDate: resolved.minDate,
      maxDate: resolved.maxDate,
    };
    const converter = new RowConverter(context);
    for (;;) {
      const next = records.nextSync() ?? (await records.next());
      if (next === undefined) return;
      const { cells, line } = next;
      if (isBlank(cells) || preset.isSummaryRow?.(cells)) continue;
      const result = converter.convert(cells, line);
      yield "message" in result ? { kind: "reject", rejection: result } : { kind: "row", row: result };
    }
  } finally {
    records.close();
  }
}

function isBlank(cells: readonly string[]): boolean {
  for (const c of cells) if (c !== "") return false;
  return true;
}

/**
 * Pulls records from csv-parse with backpressure and counts physical lines itself (csv-parse's
 * `info` option halves the throughput). A record starts on the line after the previous one ends;
 * quoted fields may contain line breaks.
 */
class RecordSource {
  private readonly parser: Parser;
  private nextLine = 1;
  private ended = false;
  private failure: unknown;
  private wake: (() => void) | undefined;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly file: string,
  ) {
    this.parser = parse({ bom: true, relax_column_count: true, relax_quotes: false });
    const signal = () => {
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    };
    this.parser.on("readable", signal);
    this.parser.on("end", () => {
      this.ended = true;
      signal();
    });
    this.parser.on("error", (error) => {
      this.failure ??= error;
      signal();
    });
    input.on("error", (error) => {
      this.failure ??= error;
      signal();
    });
    input.pipe(this.parser);
  }

  nextSync(): { cells: string[]; line: number } | undefined {
    if (this.failure !== undefined) throw this.fileError(this.failure);
    const cells = this.parser.read() as string[] | null;
    if (cells === null) return undefined;
    const line = this.nextLine;
    let breaks = 0;
    for (const c of cells) {
      for (let i = c.indexOf("\n"); i !== -1; i = c.indexOf("\n", i + 1)) breaks++;
    }
    this.nextLine += 1 + breaks;
    return { cells, line };
  }

  async next(): Promise<{ cells: string[]; line: number } | undefined> {
    for (;;) {
      const record = this.nextSync();
      if (record !== undefined) return record;
      if (this.ended || this.parser.readableEnded) return undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  close(): void {
    this.input.unpipe(this.parser);
    this.parser.destroy();
  }

  private fileError(error: unknown): ImportFileError {
    if (error instanceof ImportFileError) return error;
    const csv = error as Partial<CsvError> & { code?: string; message?: string };
    const line = typeof csv.lines === "number" ? csv.lines : undefined;
    const reason = csv.code?.startsWith("CSV_")
      ? `the file is not valid CSV at line ${line ?? "?"}: ${csv.message}`
      : `cannot read the file: ${csv.message ?? String(error)}`;
    return new ImportFileError(
      `${this.file}: ${reason}`,
      line === undefined ? { file: this.file } : { file: this.file, line },
    );
  }
}
