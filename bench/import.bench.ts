// Import throughput and peak memory for generated standard CSV files, on both engines.
// Prints: import-rows-per-second-<engine>, import-peak-rss-<rows>-<engine>, and the CPU seconds the
// big import took in the importing process and (PostgreSQL on this machine) in the server backend:
// steadier than wall time when other work shares the machine.
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const SMALL = Math.round(ROWS / 5);
const dir = mkdtempSync(join(tmpdir(), "adpilot-import-bench-"));
const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

async function generate(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(
    "date,platform,account_id,campaign_id,adgroup_id,ad_id,impressions,clicks,cost,conversions,revenue,currency\n",
  );
  let state = 42;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state;
  };
  const adsPerDay = 2_500;
  let batch = "";
  for (let i = 0; i < rows; i++) {
    const day = Math.floor(i / adsPerDay);
    const ad = i % adsPerDay;
    const date = new Date(Date.UTC(2023, 0, 1 + day)).toISOString().slice(0, 10);
    const impressions = 1000 + (next() % 9000);
    const clicks = next() % 200;
    const cost = `${next() % 500}.${String(next() % 100).padStart(2, "0")}`;
    batch += `${date},google,111-222-3333,c${ad % 100},g${ad % 500},a${ad},${impressions},${clicks},${cost},${next() % 10},${next() % 2000}.00,USD\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await new Promise<void>((r) => out.once("drain", () => r()));
      batch = "";
    }
  }
  out.write(batch);
  await new Promise<void>((r) => out.end(() => r()));
}

function runChild(file: string, target: string, schema?: string) {
  const output = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "support", "import-child.ts"),
      file,
      target,
      ...(schema ? [schema] : []),
    ],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split("\n").at(-1)!) as {
    rows: number;
    seconds: number;
    clientCpuSeconds: number;
    dbCpuSeconds: number | null;
    maxRssMb: number;
  };
}

try {
  const big = join(dir, "big.csv");
  const small = join(dir, "small.csv");
  await generate(big, ROWS);
  await generate(small, SMALL);
  const engines: { name: string; target: () => { url: string; schema?: string } }[] = [
    { name: "pglite", target: () => ({ url: mkdtempSync(join(dir, "db-")) }) },
  ];
  if (databaseUrl) {
    engines.push({
      name: "postgres",
      target: () => ({
        url: databaseUrl,
        schema: `bench_import_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
      }),
    });
  } else {
    console.log("# no TEST_DATABASE_URL/DATABASE_URL: PostgreSQL figures skipped");
  }
  for (const engine of engines) {
    const smallRun = runChild(small, ...(Object.values(engine.target()) as [string, string?]));
    const t = engine.target();
    const bigRun = runChild(big, t.url, t.schema);
    console.log(`import-rows-per-second-${engine.name}: ${Math.round(bigRun.rows / bigRun.seconds)} rows/s`);
    console.log(`import-seconds-${ROWS}-rows-${engine.name}: ${bigRun.seconds.toFixed(2)} s`);
    console.log(
      `import-client-cpu-seconds-${ROWS}-rows-${engine.name}: ${bigRun.clientCpuSeconds.toFixed(2)} s`,
    );
    if (bigRun.dbCpuSeconds !== null) {
      console.log(`import-db-cpu-seconds-${ROWS}-rows-${engine.name}: ${bigRun.dbCpuSeconds.toFixed(2)} s`);
    }
    console.log(`import-peak-rss-${SMALL}-rows-${engine.name}: ${Math.round(smallRun.maxRssMb)} MB`);
    console.log(`import-peak-rss-${ROWS}-rows-${engine.name}: ${Math.round(bigRun.maxRssMb)} MB`);
  }
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const schemas = await client.query(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench_import_%'",
    );
    for (const row of schemas.rows) await client.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
    await client.end();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
