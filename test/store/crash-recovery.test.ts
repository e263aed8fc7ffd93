import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirInUseError, openStore } from "../../src/store/index.js";

const writer = join(import.meta.dirname, "fixtures", "writer.ts");
const dirs: string[] = [];
const children: ChildProcess[] = [];

function startWriter(dataDir: string, mode?: "hold") {
  const child = spawn(process.execPath, ["--import", "tsx", writer, dataDir, ...(mode ? [mode] : [])], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  let lastCommitted = 0;
  let opened = false;
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "open") opened = true;
      const m = /^committed (\d+)$/.exec(line);
      if (m) lastCommitted = Number(m[1]);
    }
  });
  return { child, lastCommitted: () => lastCommitted, opened: () => opened };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 45_000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "adpilot-crash-"));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("embedded store crash safety", () => {
  it("reopens a folder whose writer was killed with SIGKILL and keeps every committed row", async () => {
    const dataDir = tempDir();
    const w = startWriter(dataDir);
    await waitFor(() => w.lastCommitted() >= 40, "40 commits");
    w.child.kill("SIGKILL");
    await new Promise((r) => w.child.once("exit", r));
    const committed = w.lastCommitted();
    expect(existsSync(join(dataDir, "postmaster.pid"))).toBe(true);

    const store = await Promise.race([
      openStore({ dataDir }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("open hung")), 20_000)),
    ]);
    try {
      const rows = await store.query<{ n: number; max: number }>(
        "SELECT count(*)::int AS n, max(n) AS max FROM crash_rows",
      );
      expect(rows[0].n).toBeGreaterThanOrEqual(committed);
      expect(rows[0].n).toBe(rows[0].max);
    } finally {
      await store.close();
    }
    expect(existsSync(join(dataDir, "adpilot.lock"))).toBe(false);
  });

  it("refuses a folder a live process holds, naming the process", async () => {
    const dataDir = tempDir();
    const holder = startWriter(dataDir, "hold");
    await waitFor(holder.opened, "the holder to open");
    const attempt = openStore({ dataDir });
    await expect(attempt).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(attempt).rejects.toThrow(new RegExp(`in use by process ${holder.child.pid}`));
    holder.child.kill("SIGKILL");
  });
});
