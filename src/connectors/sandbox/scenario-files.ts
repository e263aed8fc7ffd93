import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseScenarioText, ScenarioError } from "../../lab/scenario/parse.js";
import type { Scenario } from "../../lab/scenario/schema.js";

/** Folder of the shipped scenario files (src/lab/scenarios). */
export const SHIPPED_SCENARIO_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "lab",
  "scenarios",
);

export interface ScenarioListing {
  name: string;
  description: string;
  path: string;
}

/** The shipped scenarios, by name. */
export function listScenarios(): ScenarioListing[] {
  return readdirSync(SHIPPED_SCENARIO_DIR)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => {
      const path = join(SHIPPED_SCENARIO_DIR, f);
      const scenario = parseScenarioText(readFileSync(path, "utf8"), f);
      return { name: scenario.name, description: scenario.description, path };
    });
}

/**
 * A shipped scenario by name ("ecommerce") or any YAML/JSON file by path. Bad files throw a
 * ScenarioError listing each problem as "key: what is wrong (got value)".
 */
export function loadScenario(nameOrPath: string): Scenario {
  const looksLikePath = nameOrPath.includes("/") || nameOrPath.includes("\\") || extname(nameOrPath) !== "";
  if (looksLikePath) {
    if (!existsSync(nameOrPath)) throw new ScenarioError(nameOrPath, ["file not found"]);
    return parseScenarioText(readFileSync(nameOrPath, "utf8"), basename(nameOrPath));
  }
  for (const ext of [".yaml", ".yml", ".json"]) {
    const path = join(SHIPPED_SCENARIO_DIR, `${nameOrPath}${ext}`);
    if (existsSync(path)) return parseScenarioText(readFileSync(path, "utf8"), `${nameOrPath}${ext}`);
  }
  const names = listScenarios().map((s) => s.name);
  throw new ScenarioError(nameOrPath, [
    `no shipped scenario "${nameOrPath}"; available: ${names.join(", ")}, or give a path to a .yaml/.json file`,
  ]);
}
