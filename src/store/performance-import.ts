import type { ImportEvent, RowRejection } from "../connectors/csv/types.js";
import type { Store } from "./engine.js";
import { canSkipAccountKeyTrigger } from "./import/account-key-check.js";
import { AccountRegistry, type ImportedAccount } from "./import/accounts.js";
import { ImportConflictError, ImportRejectedError } from "./import/errors.js";
import { BATCH_ROWS, ImportLoader } from "./import/loader.js";
import { createStage } from "./import/staging.js";

export { ImportConflictError, ImportRejectedError };

/**
 * Loads standard performance rows into `performance_daily` in ONE transaction. Rows are converted to
 * COPY text in batches; while one batch is copied into a temporary staging table and merged on its
 * natural key, the next is being read (see ImportLoader), so memory stays constant and the file's
 * parsing overlaps the database's work. Duplicate keys inside the file and currency conflicts are
 * rejected; any rejection rolls everything back. Importing the same file twice changes nothing; a
 * re-export with corrected numbers updates exactly the rows that differ.
 */
export interface ImportPerformanceOptions {
  file: string;
  preset: string;
  /** Import the valid rows and hand every rejected one to `onReject` (default: all or nothing). */
  skipInvalid?: boolean;
  workspaceId?: string;
  /** Time zone of accounts this import creates (their dates are taken as local dates). */
  timeZone?: string;
  onReject?: (rejection: RowRejection) => void;
  onProgress?: (rowsRead: number) => void;
  /** Aborting rolls the whole import back. */
  signal?: AbortSignal;
  /** Rows merged per batch (default 50,000); memory holds about two batches. */
  batchRows?: number;
}

export interface ImportPerformanceResult {
  file: string;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  accounts: ImportedAccount[];
}

/** How often (in rows read) progress is reported and the abort signal checked. */
const PROGRESS_EVERY = 16_384;
const YIELD_EVERY = 512;

export async function importPerformance(
  store: Store,
  events: AsyncIterable<ImportEvent>,
  options: ImportPerformanceOptions,
): Promise<ImportPerformanceResult> {
  const workspaceId = options.workspaceId ?? "default";
  const startedAt = new Date();
  return store.transaction(async (s) => {
    await createStage(s);
    // Sorting and hashing a million staged rows needs more than the default 4 MB of work memory.
    await s.query("SET LOCAL work_mem = '256MB'");
    const accounts = new AccountRegistry(workspaceId, options.timeZone ?? "UTC");
    const loader = new ImportLoader(s, accounts, {
      file: options.file,
      skipInvalid: options.skipInvalid === true,
      onReject: options.onReject,
      batchRows: options.batchRows ?? BATCH_ROWS,
      skipAccountKeyTrigger: await canSkipAccountKeyTrigger(s),
    });
    let read = 0;
    let rejected = 0;
    try {
      for await (const event of events) {
        read++;
        // Reading runs in microtasks; a turn of the event loop now and then lets the database's
        // replies for the batch being written through, instead of leaving the server waiting.
        if (read % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (read % PROGRESS_EVERY === 0) {
          if (options.signal?.aborted) {
            throw new Error(`${options.file}: import interrupted; nothing was imported`);
          }
          options.onProgress?.(read);
        }
        if (event.kind === "reject") {
          if (!options.skipInvalid) throw new ImportRejectedError(event.rejection);
          rejected++;
          options.onReject?.(event.rejection);
        } else if (loader.add(event.row)) {
          await loader.flush();
        }
      }
      await loader.finish();
    } catch (error) {
      await loader.settle();
      throw error;
    }
    options.onProgress?.(read);
    const { inserted, updated, unchanged, duplicates } = loader.counts;
    const result: ImportPerformanceResult = {
      file: options.file,
      rowsRead: read,
      inserted,
      updated,
      unchanged,
      rejected: rejected + duplicates,
      accounts: accounts.list(),
    };
    await s.query(
      `INSERT INTO import_runs (file, preset, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        options.file,
        options.preset,
        result.rowsRead,
        result.inserted,
        result.updated,
        result.unchanged,
        result.rejected,
        startedAt,
      ],
    );
    return result;
  });
}
