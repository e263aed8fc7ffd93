// `npm run bench` runs every bench/<name>.bench.ts; `npm run bench -- <name>` runs one.
// Each benchmark prints its figures as `name: value unit`, one per line.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`Unknown benchmark "${name}". Available: ${available.join(", ")}`);
    process.exit(2);
  }
}
const toRun = wanted.length > 0 ? wanted : available;
let failed = 0;
for (const name of toRun) {
  console.log(`# bench ${name}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(here, `${name}.bench.ts`)], {
    stdio: "inherit",
    env: process.env,
  });
  if (result.status !== 0) {
    failed++;
    console.error(`# bench ${name} failed with exit code ${result.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
