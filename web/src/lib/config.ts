/** The configuration as dotted keys and display strings, and typed edits back for PUT /config. */
export function flattenConfig(config: Record<string, unknown>, prefix = ""): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(config)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v))
      out.push(...flattenConfig(v as Record<string, unknown>, key));
    else out.push([key, v === null ? "" : typeof v === "string" ? v : JSON.stringify(v)]);
  }
  return out;
}

/** "0.15" -> 0.15, "true" -> true, "" -> null, "[0.8, 0.95]" -> array, anything else stays text. */
export function parseConfigInput(edits: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(edits)) {
    const text = raw.trim();
    if (text === "") values[k] = null;
    else {
      try {
        values[k] = JSON.parse(text);
      } catch {
        values[k] = text;
      }
    }
  }
  return values;
}
