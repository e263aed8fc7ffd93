import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";

const dir = mkdtempSync(join(tmpdir(), "adpilot-sigterm-"));
const cliMain = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeBigFile(path: string, rows: number) {
  const out = createWriteStream(path);
  out.write(
    "date,platform,account_id,campaign_id,adgroup_id,ad_id,impressions,clicks,cost,conversions,revenue\n",
  );
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    chunk += `2024-01-${String(1 + (i % 28)).padStart(2, "0")},google,S1,c${i % 50},g${i % 200},a${i},100,3,1.25,0,0\n`;
    if (chunk.length > 1 << 16) {
      out.write(chunk);
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

describe("an import interrupted by SIGTERM", () => {
  it("closes the embedded store cleanly and leaves nothing half-written", async () => {
    const file = join(dir, "big.csv");
    await writeBigFile(file, 400_000);
    const dataDir = join(dir, "db");
    const child = spawn(process.execPath, ["--import", "tsx", cliMain, "import", file, "--quiet"], {
      env: { ...process.env, ADPILOT_DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const start = Date.now();
    while (!existsSync(join(dataDir, "adpilot.lock"))) {
      if (Date.now() - start > 60_000) throw new Error("the import never opened the store");
      await new Promise((r) => setTimeout(r, 50));
    }
    // The store is open; give the import a moment to be mid-transaction, then stop it.
    await new Promise((r) => setTimeout(r, 2500));
    child.kill("SIGTERM");
    const code = await exited;
    expect(code).toBe(143);
    expect(stderr).toMatch(/SIGTERM received: stopping and closing the database cleanly/);
    expect(existsSync(join(dataDir, "adpilot.lock"))).toBe(false);
    const store = await openStore({ dataDir });
    try {
      const [row] = await store.query<{ facts: number; runs: number }>(
        "SELECT (SELECT count(*)::int FROM performance_daily) AS facts, (SELECT count(*)::int FROM import_runs) AS runs",
      );
      expect(row).toEqual({ facts: 0, runs: 0 });
    } finally {
      await store.close();
    }
  });
});
