// One import in a fresh process so its peak memory (maxRSS) is its own.
// argv: <file> <pglite-dir | postgres-url> [schema]
// Besides wall time it reports CPU seconds: this process's (parsing; with PGlite also the database)
// and, for a PostgreSQL server on this machine, the server backend's. On a shared machine those
// show the work an import needs even when other processes make the wall time noisy.
import { readFileSync } from "node:fs";
import { readImportFile } from "../../src/connectors/csv/index.js";
import { openStore } from "../../src/store/index.js";
import { importPerformance } from "../../src/store/performance-import.js";

const [file, target, schema] = process.argv.slice(2);
// One connection, so the backend whose CPU time is read is the one that runs the import.
const store = target.startsWith("postgres")
  ? await openStore({ databaseUrl: target, schema, poolSize: 1 })
  : await openStore({ dataDir: target });

/** CPU seconds of a local process from /proc, or undefined when it cannot be read (remote server). */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const backendPid =
  store.kind === "postgres"
    ? (await store.query<{ pid: number }>("SELECT pg_backend_pid() AS pid"))[0].pid
    : undefined;
const dbCpuBefore = backendPid === undefined ? undefined : processCpuSeconds(backendPid);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = await importPerformance(store, readImportFile(file, { preset: "standard" }), {
  file,
  preset: "standard",
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const dbCpuAfter = backendPid === undefined ? undefined : processCpuSeconds(backendPid);
await store.close();
console.log(
  JSON.stringify({
    rows: result.rowsRead,
    inserted: result.inserted,
    seconds,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    dbCpuSeconds: dbCpuBefore === undefined || dbCpuAfter === undefined ? null : dbCpuAfter - dbCpuBefore,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
