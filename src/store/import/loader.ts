import type { RowRejection, StandardRow } from "../../connectors/csv/types.js";
import type { SqlSession } from "../session.js";
import type { AccountRegistry } from "./accounts.js";
import { rejectDuplicateKeys } from "./duplicates.js";
import { EntityBatch } from "./entities.js";
import { DuplicateKeyInBatch, type MergeCounts, mergeBatch } from "./merge.js";
import { createBatchTable, STAGE_COLUMNS, stageLine } from "./staging.js";

/** Rows per batch: large enough that per-statement costs vanish, small enough to stay a few MB. */
export const BATCH_ROWS = 50_000;

/** The first batch is small, so the server starts working while the rest of the first batch is read. */
const FIRST_BATCH_ROWS = 5_000;
const PIECE_ROWS = 1024;
/** Batches merged with a plain INSERT in a savepoint, at most (see MergeOptions.tryPlainInsert). */
const MAX_PLAIN_BATCHES = 48;

export interface LoaderOptions {
  file: string;
  /** Stage the whole file before merging, so duplicate keys can be dropped (first occurrence wins). */
  skipInvalid: boolean;
  onReject?: (rejection: RowRejection) => void;
  batchRows: number;
  /** See canSkipAccountKeyTrigger. */
  skipAccountKeyTrigger: boolean;
}

/**
 * Loads rows into `performance_daily` in batches, one batch in the database while the caller reads
 * and converts the next (the CSV work runs in this process, the COPY and merge in the server's, so
 * the two overlap). Memory holds at most two batches whatever the file's size.
 *
 * All or nothing (the default): each batch is staged and merged as soon as it is full; duplicate keys
 * are caught by the merge (see mergeBatch) and reported from the stage, which keeps every staged row
 * until commit. With skipInvalid every batch is staged first and merged once, after the duplicate
 * keys are dropped.
 */
export class ImportLoader {
  /** Lines of the current piece, joined into one flat string every PIECE_ROWS rows (see add). */
  private lines: string[] = [];
  private pieces: string[] = [];
  private rows = 0;
  private staged = 0;
  private entities = new EntityBatch();
  private batches = 0;
  private flushes = 0;
  private stageTable: string | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private mayHoldDuplicates = false;
  private plainBatches = 0;
  readonly counts: MergeCounts & { duplicates: number } = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    duplicates: 0,
  };

  constructor(
    private readonly s: SqlSession,
    private readonly accounts: AccountRegistry,
    private readonly options: LoaderOptions,
  ) {}

  /** Adds a valid row; returns true when the batch is full and `flush` should be awaited. */
  add(r: StandardRow): boolean {
    const acct = this.accounts.acctOf(r);
    // Joining small pieces early keeps each line's string parts short-lived: a batch held as one
    // long concatenation would keep millions of string fragments alive and the GC busy copying them.
    this.lines.push(stageLine(r, acct));
    if (this.lines.length === PIECE_ROWS) {
      this.pieces.push(this.lines.join(""));
      this.lines = [];
    }
    this.entities.add(r, acct);
    const limit =
      this.flushes === 0 ? Math.min(FIRST_BATCH_ROWS, this.options.batchRows) : this.options.batchRows;
    return ++this.rows >= limit;
  }

  /** Waits for the previous batch to be written, then starts writing this one (not awaited). */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.rows === 0) return;
    this.flushes++;
    this.pieces.push(this.lines.join(""));
    const job = this.write(this.pieces.join(""), this.rows, this.entities);
    this.lines = [];
    this.pieces = [];
    this.rows = 0;
    this.entities = new EntityBatch();
    // Failures surface at the next flush or finish; the no-op handler keeps them from being "unhandled".
    job.catch(() => {});
    this.inFlight = job;
  }

  /** Writes what is left and completes the merge; throws ImportRejectedError for duplicate keys. */
  async finish(): Promise<void> {
    await this.flush();
    await this.inFlight;
    if (this.options.skipInvalid) {
      if (this.stageTable === undefined) return;
      this.counts.duplicates = await rejectDuplicateKeys(
        this.s,
        this.options.file,
        true,
        this.options.onReject,
      );
      const merged = await mergeBatch(this.s, this.stageTable, this.staged - this.counts.duplicates, {
        tryPlainInsert: true,
        mayRepeatKeys: false,
        skipAccountKeyTrigger: this.options.skipAccountKeyTrigger,
      });
      this.tally(merged);
    } else if (this.mayHoldDuplicates) {
      await rejectDuplicateKeys(this.s, this.options.file, false);
    }
  }

  /** After a failure elsewhere: lets the batch being written finish, so the rollback finds the connection idle. */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => {});
  }

  private async write(text: string, rows: number, entities: EntityBatch): Promise<void> {
    const { s } = this;
    await this.accounts.resolve(s);
    if (this.stageTable === undefined || !this.options.skipInvalid) {
      this.stageTable = await createBatchTable(s, ++this.batches);
    }
    await s.copyCsv(this.stageTable, STAGE_COLUMNS, once(text));
    this.staged += rows;
    await entities.flush(s);
    if (this.options.skipInvalid) return;
    try {
      const merged = await mergeBatch(s, this.stageTable, rows, {
        tryPlainInsert: this.plainBatches < MAX_PLAIN_BATCHES,
        mayRepeatKeys: true,
        skipAccountKeyTrigger: this.options.skipAccountKeyTrigger,
      });
      if (merged.fellBack) this.mayHoldDuplicates = true;
      else this.plainBatches++;
      this.tally(merged);
    } catch (error) {
      if (!(error instanceof DuplicateKeyInBatch)) throw error;
      await rejectDuplicateKeys(s, this.options.file, false);
      throw error;
    }
  }

  private tally(merged: MergeCounts): void {
    this.counts.inserted += merged.inserted;
    this.counts.updated += merged.updated;
    this.counts.unchanged += merged.unchanged;
  }
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}
