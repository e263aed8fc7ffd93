/**
 * Canonical JSON for hashing: object keys sorted, no whitespace, Dates as ISO strings, undefined object
 * members dropped. The same value always gives the same text, also after a round trip through JSONB
 * (which reorders keys).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value, "$"));
}

function normalise(value: unknown, path: string): unknown {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold ${value} at ${path}`);
      return value;
    case "object": {
      if (Array.isArray(value))
        return value.map((v, i) => normalise(v === undefined ? null : v, `${path}[${i}]`));
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value as object).sort()) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined) out[key] = normalise(v, `${path}.${key}`);
      }
      return out;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value} at ${path}`);
  }
}
