import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { testEngines } from "../support/stores.js";

const SAMPLE = join(import.meta.dirname, "..", "..", "examples", "ad_report_sample.csv");
const SAMPLE_MAP = [
  "--map",
  "date_day=date",
  "--map",
  "ad_group_id=adgroup_id",
  "--map",
  "spend=cost",
  "--map",
  "conversions_value=revenue",
];
const STANDARD_HEADER =
  "date,platform,account_id,campaign_id,adgroup_id,ad_id,impressions,clicks,cost,conversions,revenue,currency";

/** Runs the CLI in-process and captures what it prints. */
async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
  try {
    const code = await runCli(["node", "adpilot", ...args]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe.each(testEngines())("import and report from the CLI on %s", (engine) => {
  const dir = mkdtempSync(join(tmpdir(), "adpilot-cli-"));
  const saved = { ...process.env };
  const schema = `cli_${process.pid}_${engine}`;
  beforeAll(() => {
    if (engine === "pglite") {
      process.env.ADPILOT_DATA_DIR = join(dir, "db");
      delete process.env.DATABASE_URL;
    } else {
      process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
      process.env.ADPILOT_DB_SCHEMA = schema;
    }
  });
  afterAll(async () => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
    if (engine === "postgres") {
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const accountCount = async () => JSON.parse((await cli("accounts", "--json")).stdout).length as number;

  it("imports the sample and reports totals equal to a hand computation", async () => {
    const first = await cli("import", SAMPLE, ...SAMPLE_MAP, "--json");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rowsRead: 16, inserted: 16, rejected: 0 });
    const again = await cli("import", SAMPLE, ...SAMPLE_MAP, "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, updated: 0, unchanged: 16 });
    // By hand from examples/ad_report_sample.csv: 16 rows summed column by column.
    const report = await cli("report", "--by", "platform", "--format", "json");
    expect(report.code).toBe(0);
    const { total, rows } = JSON.parse(report.stdout);
    expect(total).toMatchObject({
      spend: 2247.15,
      clicks: 3041,
      impressions: 163_500,
      conversions: 201,
      revenue: 4585,
    });
    expect(total.roas).toBeCloseTo(4585 / 2247.15, 10);
    expect(rows.map((r: { platform: string }) => r.platform).sort()).toEqual(["google", "meta", "tiktok"]);
  });

  it("names file, line, column and value for a negative spend, and writes nothing", async () => {
    const before = await accountCount();
    const bad = file(
      "negative.csv",
      `${STANDARD_HEADER}\n2024-01-01,google,X1,c,g,a,10,1,1.00,0,0,USD\n2024-01-02,google,X1,c,g,a,10,1,-5.00,0,0,USD\n`,
    );
    const result = await cli("import", bad, "--quiet");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/negative\.csv, line 3, column "cost"/);
    expect(result.stderr).toMatch(/-5\.00/);
    expect(await accountCount()).toBe(before);
  });

  const badInputs: [string, string, RegExp][] = [
    ["unparseable number", "2024-01-01,google,B1,c,g,a,10,1,12..5,0,0,USD", /line 3, column "cost".*12\.\.5/],
    ["negative spend", "2024-01-01,google,B1,c,g,a,10,1,-1.00,0,0,USD", /line 3, column "cost".*-1\.00/],
    ["unknown currency", "2024-01-01,google,B1,c,g,a,10,1,1.00,0,0,ABC", /line 3, column "currency".*ABC/],
    [
      "date outside range",
      "1999-12-31,google,B1,c,g,a,10,1,1.00,0,0,USD",
      /line 3, column "date".*1999-12-31/,
    ],
    ["unparseable date", "2024-13-45,google,B1,c,g,a,10,1,1.00,0,0,USD", /line 3, column "date".*2024-13-45/],
  ];
  it.each(badInputs)(
    "rejects a file with a bad row (%s), names where and what, and writes nothing",
    async (_case, badRow, message) => {
      const before = await cli(
        "report",
        "--by",
        "account",
        "--format",
        "json",
        "--currency",
        "USD",
        "--rates",
        "EUR=1.1",
      );
      const bad = file(
        "bad.csv",
        `${STANDARD_HEADER}\n2024-01-01,google,B1,c,g,ok,10,1,1.00,0,0,USD\n${badRow}\n`,
      );
      const result = await cli("import", bad, "--quiet");
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/bad\.csv/);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/Nothing was imported/);
      const after = await cli(
        "report",
        "--by",
        "account",
        "--format",
        "json",
        "--currency",
        "USD",
        "--rates",
        "EUR=1.1",
      );
      expect(after.stdout).toBe(before.stdout);
    },
  );

  it("rejects a duplicate key inside a file with both lines and writes nothing", async () => {
    const before = await accountCount();
    const dup = file(
      "dup.csv",
      `${STANDARD_HEADER}\n2024-04-01,google,D1,c,g,a,10,1,1.00,0,0,USD\n2024-04-01,google,D1,c,g,a,20,2,2.00,0,0,USD\n`,
    );
    const result = await cli("import", dup, "--quiet");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /dup\.csv, line 3: duplicate key inside the file.*already appears on line 2/,
    );
    expect(await accountCount()).toBe(before);
  });

  it("lists the columns found when a required one is missing", async () => {
    const bad = file(
      "missing.csv",
      "date,platform,account_id,campaign_id,impressions\n2024-01-01,google,X,c,1\n",
    );
    const result = await cli("import", bad, "--quiet");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/missing required column/);
    expect(result.stderr).toMatch(/Columns found: .*"impressions"/);
    expect(result.stderr).toMatch(/missing\.csv/);
  });

  it("with --skip-invalid imports valid rows and writes the rejected ones with reasons", async () => {
    const mixed = file(
      "mixed.csv",
      `${STANDARD_HEADER}\n2024-02-01,google,X2,c,g,a,10,1,1.00,0,0,USD\n2024-02-02,google,X2,c,g,a,10,1,abc,0,0,USD\n2024-02-03,google,X2,c,g,a,10,1,2.00,0,0,XYZ\n`,
    );
    const rejects = join(dir, "mixed.rejects.csv");
    const result = await cli("import", mixed, "--skip-invalid", "--rejects", rejects, "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ inserted: 1, rejected: 2 });
    const lines = readFileSync(rejects, "utf8").trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/mixed\.csv,3,cost,abc/);
    expect(lines[2]).toMatch(/mixed\.csv,4,currency,XYZ/);
  });

  it("refuses to add currencies without rates, and converts with them", async () => {
    const eur = file("eur.csv", `${STANDARD_HEADER}\n2024-03-01,meta,EU1,c,g,a,100,10,10.00,1,20.00,EUR\n`);
    expect((await cli("import", eur, "--quiet")).code).toBe(0);
    const refused = await cli("report", "--by", "account", "--format", "json");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/several currencies \(EUR, USD\).*--rates/);
    const converted = await cli(
      "report",
      "--by",
      "account",
      "--format",
      "json",
      "--currency",
      "USD",
      "--rates",
      "EUR=1.1",
    );
    expect(converted.code).toBe(0);
    const totals = JSON.parse(converted.stdout).total;
    expect(totals.spend).toBeCloseTo(2247.15 + 1 + 11, 2);
  });

  it("validates configuration values and names the allowed ones", async () => {
    const result = await cli("config", "set", "mode", "turbo", "--account", "ACC001");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /invalid value "turbo" for mode: expected one of "shadow", "canary", "live"/,
    );
    const ok = await cli("config", "set", "guardrails.velocity6h", "0.15", "--account", "ACC001");
    expect(ok.code).toBe(0);
    expect((await cli("config", "get", "guardrails.velocity6h", "--account", "ACC001")).stdout).toBe("0.15");
  });
});
