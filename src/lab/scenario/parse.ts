import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { type Scenario, scenarioSchema } from "./schema.js";

/** A scenario that failed validation; `issues` are one line each: where, what was found, what is allowed. */
export class ScenarioError extends Error {
  readonly issues: string[];
  constructor(source: string, issues: string[]) {
    super(`invalid scenario ${source}:\n  ${issues.join("\n  ")}`);
    this.name = "ScenarioError";
    this.issues = issues;
  }
}

/** Parses YAML or JSON text (JSON is valid YAML) and validates it. */
export function parseScenarioText(text: string, source = "<text>"): Scenario {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ScenarioError(source, [`not valid YAML/JSON: ${(error as Error).message}`]);
  }
  return validateScenario(data, source);
}

export function validateScenario(data: unknown, source = "<object>"): Scenario {
  const result = scenarioSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ScenarioError(
    source,
    result.error.issues.map((issue) => formatIssue(issue, data)),
  );
}

function formatIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const where = issue.path.length === 0 ? "(top level)" : formatPath(issue.path);
  const value = valueAt(data, issue.path);
  const found = value === undefined ? "missing" : `got ${JSON.stringify(value)}`;
  if (issue.code === "unrecognized_keys")
    return `${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return `${where}: ${issue.message} (${found})`;
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let cursor: unknown = data;
  for (const key of path) {
    if (cursor === null || typeof cursor !== "object") return undefined;
    cursor = (cursor as Record<PropertyKey, unknown>)[key];
  }
  return cursor;
}
