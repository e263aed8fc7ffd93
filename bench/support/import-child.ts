// One import in a fresh process so its peak memory (maxRSS) is its own.
// argv: <file> <pglite-dir | postgres-url> [schema]
import { readImportFile } from "../../src/connectors/csv/index.js";
import { openStore } from "../../src/store/index.js";
import { importPerformance } from "../../src/store/performance-import.js";

const [file, target, schema] = process.argv.slice(2);
const store = target.startsWith("postgres")
  ? await openStore({ databaseUrl: target, schema })
  : await openStore({ dataDir: target });
const started = performance.now();
const result = await importPerformance(store, readImportFile(file, { preset: "standard" }), {
  file,
  preset: "standard",
});
const seconds = (performance.now() - started) / 1000;
await store.close();
console.log(
  JSON.stringify({
    rows: result.rowsRead,
    inserted: result.inserted,
    seconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
