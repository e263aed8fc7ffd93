import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Store } from "../../store/index.js";
import { importPerformance } from "../../store/performance-import.js";
import { type ImportOptions, readImportFile } from "../csv/index.js";

export interface DropFolderOptions {
  folder: string;
  /** Importer options for files without the columns (account, platform, currency ...). */
  importOptions?: ImportOptions;
  workspaceId?: string;
  timeZone?: string;
  /** A file modified more recently than this is still being written: left for the next scan (default 2 s). */
  settleMs?: number;
  /** Move files to processed/ or failed/ after the scan (default: leave them, the hash remembers them). */
  move?: boolean;
  now?: () => number;
  signal?: AbortSignal;
}

export interface DropFileResult {
  file: string;
  status: "imported" | "rejected" | "skipped" | "unsettled";
  rowsRead?: number;
  error?: string;
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * One pass over a CSV drop folder: every settled *.csv not imported before (by content hash) goes
 * through the foundation's importer (all or nothing per file). A rejected file is recorded with its
 * error and not retried until its content changes.
 */
export async function scanDropFolder(store: Store, options: DropFolderOptions): Promise<DropFileResult[]> {
  const now = (options.now ?? Date.now)();
  const names = (await readdir(options.folder, { withFileTypes: true }))
    .filter((d) => d.isFile() && d.name.toLowerCase().endsWith(".csv"))
    .map((d) => d.name)
    .sort();
  const results: DropFileResult[] = [];
  for (const name of names) {
    options.signal?.throwIfAborted();
    const path = join(options.folder, name);
    const info = await stat(path);
    if (now - info.mtimeMs < (options.settleMs ?? 2000)) {
      results.push({ file: name, status: "unsettled" });
      continue;
    }
    const sha = await fileHash(path);
    const seen = await store.query("SELECT 1 FROM csv_drop_files WHERE folder = $1 AND sha256 = $2", [
      options.folder,
      sha,
    ]);
    if (seen.length > 0) {
      results.push({ file: name, status: "skipped" });
      continue;
    }
    let result: DropFileResult;
    try {
      const imported = await importPerformance(store, readImportFile(path, options.importOptions ?? {}), {
        file: name,
        preset: options.importOptions?.preset ?? "auto",
        workspaceId: options.workspaceId,
        timeZone: options.timeZone,
        signal: options.signal,
      });
      result = { file: name, status: "imported", rowsRead: imported.rowsRead };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      result = { file: name, status: "rejected", error: (error as Error).message };
    }
    await store.query(
      `INSERT INTO csv_drop_files (folder, sha256, file_name, rows_read, status, error) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (folder, sha256) DO NOTHING`,
      [options.folder, sha, name, result.rowsRead ?? 0, result.status, result.error ?? null],
    );
    if (options.move) {
      const target = join(options.folder, result.status === "imported" ? "processed" : "failed");
      await mkdir(target, { recursive: true });
      await rename(path, join(target, name));
    }
    results.push(result);
  }
  return results;
}

/** Scans every `intervalMs` until the signal aborts; `onScan` sees each pass's results. */
export async function watchDropFolder(
  store: Store,
  options: DropFolderOptions & { intervalMs?: number; onScan?: (results: DropFileResult[]) => void },
): Promise<void> {
  const signal = options.signal;
  while (!signal?.aborted) {
    options.onScan?.(await scanDropFolder(store, options));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs ?? 30_000);
      signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
