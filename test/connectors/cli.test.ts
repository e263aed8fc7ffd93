import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerConnect } from "../../src/cli/commands/connect.js";
import { registerPlatforms } from "../../src/cli/commands/platforms.js";
import { addDays } from "../../src/domain/time.js";
import { type GoogleFake, startGoogleFake } from "../fakes/google/server.js";
import { fakeAccount } from "../fakes/world.js";

/** Runs the two commands in-process the way main.ts will once the lead registers them. */
async function cli(...args: string[]) {
  const program = new Command("adpilot").exitOverride();
  registerConnect(program);
  registerPlatforms(program);
  const out: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  const err = vi.spyOn(console, "error").mockImplementation((...a) => void out.push(a.join(" ")));
  try {
    await program.parseAsync(["node", "adpilot", ...args]);
    return { ok: true, output: out.join("\n") };
  } catch (error) {
    return { ok: false, output: `${out.join("\n")}\n${(error as Error).message}` };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe("adpilot connect / platforms status against the Google fake", () => {
  const dir = mkdtempSync(join(tmpdir(), "adpilot-connect-"));
  const saved = { ...process.env };
  let fake: GoogleFake;
  const today = new Date().toISOString().slice(0, 10);
  // the real PostgreSQL when available (a schema of its own): a fresh PGlite folder costs an initdb
  const url = process.env.TEST_DATABASE_URL;
  const schema = `connect_cli_${process.pid}`;
  beforeAll(async () => {
    if (url) {
      process.env.DATABASE_URL = url;
      process.env.ADPILOT_DB_SCHEMA = schema;
    } else {
      process.env.ADPILOT_DATA_DIR = join(dir, "db");
      delete process.env.DATABASE_URL;
      delete process.env.ADPILOT_DB_SCHEMA;
    }
    for (const k of Object.keys(process.env)) if (k.startsWith("ADPILOT_GOOGLE_")) delete process.env[k];
    fake = await startGoogleFake({
      accounts: [fakeAccount({ id: "1234567890", from: addDays(today, -20), to: today, timeZone: "UTC" })],
    });
  });
  afterAll(async () => {
    process.env = saved;
    if (url) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to connect without ADPILOT_SECRET_KEY, before calling the platform", async () => {
    delete process.env.ADPILOT_SECRET_KEY;
    const r = await cli("connect", "google", "--base-url", fake.origin, "--access-token", "ya29.valid");
    expect(r.ok).toBe(false);
    expect(r.output).toContain("ADPILOT_SECRET_KEY is not set");
    expect(fake.requests).toHaveLength(0);
  });

  it("names the missing credentials", async () => {
    process.env.ADPILOT_SECRET_KEY = Buffer.alloc(32, 3).toString("base64");
    const r = await cli("connect", "meta", "--base-url", fake.origin);
    expect(r.ok).toBe(false);
    expect(r.output).toContain("--access-token or ADPILOT_META_ACCESS_TOKEN");
  });

  it("verifies, lists the accounts, backfills N days and reports the status without printing secrets", async () => {
    process.env.ADPILOT_SECRET_KEY = Buffer.alloc(32, 3).toString("base64");
    process.env.ADPILOT_GOOGLE_ACCESS_TOKEN = "ya29.valid";
    const r = await cli("connect", "google", "--base-url", fake.origin, "--days", "10", "--quiet");
    expect(r.output).toContain("google: credentials verified, 1 account(s) found");
    expect(r.ok).toBe(true);
    expect(r.output).toMatch(
      new RegExp(
        `1234567890 -> id acc_[0-9a-f]{16}: ${addDays(today, -9)}\\.\\.${today}, 14 entities, 20 rows`,
      ),
    );
    expect(r.output).not.toContain("ya29.valid");

    const status = await cli("platforms", "status", "--json");
    const parsed = JSON.parse(status.output);
    expect(parsed.accounts).toEqual([
      expect.objectContaining({
        platform: "google",
        externalId: "1234567890",
        credentialsPresent: true,
        rows: 20,
        errorCount: 0,
      }),
    ]);
    expect(status.output).not.toContain("ya29.valid");

    const sync = await cli("platforms", "sync", "google");
    expect(sync.ok).toBe(true);
    expect(sync.output).toContain(`google 1234567890: ${addDays(today, -7)}..${today}`);

    delete process.env.ADPILOT_SECRET_KEY;
    const noKey = await cli("platforms", "sync");
    expect(noKey.ok).toBe(false);
    expect(noKey.output).toContain(
      "ADPILOT_SECRET_KEY is not set but 1 platform credential set(s) are stored",
    );
  });
});
