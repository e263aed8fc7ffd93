import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseScenarioText } from "../scenario/parse.js";
import type { Scenario } from "../scenario/schema.js";

/** Test-only helper: reads a shipped scenario file (production code loads them in the sandbox shell). */
export function loadShippedScenario(name: string): Scenario {
  const path = join(dirname(fileURLToPath(import.meta.url)), "..", "scenarios", `${name}.yaml`);
  return parseScenarioText(readFileSync(path, "utf8"), `${name}.yaml`);
}
