import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/**
 * PGlite 0.5.14 writes a placeholder pid (-42) into `postmaster.pid` and leaves the file behind when the
 * process is killed; the next open then hangs forever. We keep a lock of our own holding the real pid:
 * a lock whose process is gone is stale, so its `postmaster.pid` is removed and the folder reopens with
 * every committed row; a lock whose process is alive means the folder is in use and we refuse clearly.
 */
export const LOCK_FILE = "adpilot.lock";

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the data folder ${dataDir} is in use by process ${pid} on this machine. Stop that process (or wait for it to finish), or point ADPILOT_DATA_DIR at another folder.`,
    );
    this.name = "DataDirInUseError";
  }
}

interface LockContent {
  pid: number;
  hostname: string;
  startedAt: string;
}

/** Is `pid` a live Node process? (A recycled pid now owned by another program does not count.) */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("node");
  } catch {
    return true; // no /proc (macOS): trust the signal check
  }
}

function readLock(path: string): LockContent | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockContent;
  } catch {
    return undefined;
  }
}

/** Takes the folder's lock (creating the folder), clearing a stale PGlite pid file; returns a release function. */
export function acquireDataDirLock(dataDir: string): { release: () => void; recoveredStale: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, LOCK_FILE);
  let recoveredStale = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = existsSync(lockPath) ? readLock(lockPath) : undefined;
    if (existing && existing.hostname === hostname() && isProcessAlive(existing.pid)) {
      throw new DataDirInUseError(dataDir, existing.pid);
    }
    if (existsSync(lockPath)) {
      rmSync(lockPath, { force: true });
      recoveredStale = true;
    }
    // Without a live lock holder nobody owns PGlite's pid file: it is a leftover of a crash.
    const pgPid = join(dataDir, "postmaster.pid");
    if (existsSync(pgPid)) {
      rmSync(pgPid, { force: true });
      recoveredStale = true;
    }
    try {
      const fd = openSync(lockPath, "wx");
      const content: LockContent = {
        pid: process.pid,
        hostname: hostname(),
        startedAt: new Date().toISOString(),
      };
      writeSync(fd, JSON.stringify(content));
      closeSync(fd);
      let released = false;
      return {
        recoveredStale,
        release: () => {
          if (released) return;
          released = true;
          const current = readLock(lockPath);
          if (current?.pid === process.pid) rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // Another process created the lock between our check and our create: look again.
    }
  }
  throw new Error(`could not take the lock on ${dataDir}: another process keeps racing for it`);
}
