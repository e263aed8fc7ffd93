import { z } from "zod";
import {
  type AccountConfig,
  accountConfigSchema,
  configKeys,
  defaultAccountConfig,
} from "./account-config.js";

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Reads a stored configuration, filling defaults for keys added since it was saved. */
export function parseAccountConfig(stored: unknown): AccountConfig {
  const result = accountConfigSchema.safeParse(stored ?? {});
  if (!result.success)
    throw new ConfigError("", `stored configuration is invalid: ${describeIssues(result.error)}`);
  return result.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join(".") || "(root)";
      return `${path}: ${issue.message}`;
    })
    .join("; ");
}

function parseValueText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "null") return null;
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(trimmed)) return Number(trimmed);
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return trimmed;
    }
  }
  return trimmed;
}

function describeAllowed(key: string): string {
  const parts = key.split(".");
  let schema: z.ZodType = accountConfigSchema;
  for (const part of parts) {
    let inner: z.ZodType = schema;
    while (
      inner instanceof z.ZodDefault ||
      inner instanceof z.ZodPrefault ||
      inner instanceof z.ZodNullable
    ) {
      inner = (inner as unknown as { unwrap(): z.ZodType }).unwrap();
    }
    if (!(inner instanceof z.ZodObject)) break;
    schema = (inner.shape as Record<string, z.ZodType>)[part];
  }
  const json = z.toJSONSchema(schema, { unrepresentable: "any" }) as Record<string, unknown>;
  if (Array.isArray(json.enum)) return `one of ${json.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  const anyOf = json.anyOf as Record<string, unknown>[] | undefined;
  const base = anyOf ? (anyOf.find((s) => s.type !== "null") ?? {}) : json;
  const nullable = anyOf?.some((s) => s.type === "null") ? " (or null)" : "";
  const range = [
    base.minimum !== undefined
      ? `>= ${base.minimum}`
      : base.exclusiveMinimum !== undefined
        ? `> ${base.exclusiveMinimum}`
        : "",
    base.maximum !== undefined ? `<= ${base.maximum}` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  return `a ${base.type === "integer" ? "whole number" : String(base.type ?? "value")}${range ? ` ${range}` : ""}${nullable}`;
}

/** Sets one dotted key from its text form and validates the result; throws ConfigError naming the key and the allowed values. */
export function setConfigValue(config: AccountConfig, key: string, text: string): AccountConfig {
  const keys = configKeys(defaultAccountConfig());
  if (!keys.includes(key)) {
    const near = keys
      .filter((k) => k.toLowerCase().includes(key.split(".").at(-1)?.toLowerCase() ?? ""))
      .slice(0, 5);
    throw new ConfigError(
      key,
      `unknown configuration key "${key}".${near.length ? ` Did you mean ${near.join(", ")}?` : ""} Valid keys: ${keys.join(", ")}`,
    );
  }
  const next = structuredClone(config) as Record<string, unknown>;
  const parts = key.split(".");
  let cursor = next;
  for (const part of parts.slice(0, -1)) cursor = cursor[part] as Record<string, unknown>;
  cursor[parts.at(-1)!] = parseValueText(text);
  const result = accountConfigSchema.safeParse(next);
  if (!result.success) {
    throw new ConfigError(key, `invalid value "${text}" for ${key}: expected ${describeAllowed(key)}`);
  }
  return result.data;
}

export function getConfigValue(config: AccountConfig, key: string): unknown {
  let cursor: unknown = config;
  for (const part of key.split(".")) {
    if (!cursor || typeof cursor !== "object" || !(part in cursor)) {
      throw new ConfigError(
        key,
        `unknown configuration key "${key}". Valid keys: ${configKeys(config).join(", ")}`,
      );
    }
    cursor = (cursor as Record<string, unknown>)[part];
  }
  return cursor;
}
