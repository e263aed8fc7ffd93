// Parse-only throughput of the CSV import reader (src/connectors/csv): 1,000,000 standard-format rows
// streamed through readImportStream, nothing stored. Peak RSS shows memory does not grow with the file.
import { Readable } from "node:stream";
import { readImportStream, STANDARD_COLUMNS } from "../src/connectors/csv/index.js";

const ROWS = 1_000_000;
const BLOCK_ROWS = 10_000;

function block(): string {
  const lines: string[] = [];
  for (let i = 0; i < BLOCK_ROWS; i++) {
    const day = String(1 + (i % 28)).padStart(2, "0");
    const impressions = 1000 + (i % 977);
    const cost = `${Math.floor(i / 7) % 900}.${String(i % 100).padStart(2, "0")}`;
    lines.push(
      `2024-03-${day},google,123456789${i % 3},C${i % 50},AG${i % 500},AD${i},${impressions},${i % 97},${cost},${i % 7},${(i % 9000) / 100}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function* file(): Generator<string> {
  yield `${STANDARD_COLUMNS.join(",")}\n`;
  const text = block();
  for (let i = 0; i < ROWS / BLOCK_ROWS; i++) yield text;
}

let peakRss = process.memoryUsage().rss;
const started = performance.now();
let rows = 0;
let rejects = 0;
for await (const event of readImportStream(Readable.from(file()), "generated.csv", {})) {
  if (event.kind === "row") rows++;
  else rejects++;
  if ((rows & 0xffff) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const seconds = (performance.now() - started) / 1000;
if (rows !== ROWS || rejects !== 0) {
  console.error(`expected ${ROWS} rows and no rejections, got ${rows} rows and ${rejects} rejections`);
  process.exit(1);
}
console.log(`import-parse-rows-per-second: ${Math.round(rows / seconds)} rows/s`);
console.log(`import-parse-peak-rss: ${Math.round(peakRss / 1024 / 1024)} MB`);
