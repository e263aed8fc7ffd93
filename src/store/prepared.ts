import type { QueryConfig } from "pg";

/** Distinct statements named per process; beyond this they run unnamed (bounds memory per connection). */
const MAX_NAMED = 500;
const names = new Map<string, string>();

/**
 * A parameterised statement as a named (prepared) one, so each pooled PostgreSQL connection parses and
 * plans it once and then only binds and executes it. The service's cycle runs the same dozen
 * statements for every account; without names PostgreSQL parses and plans each of them every time.
 * Statements without parameters (scripts, DDL) stay unnamed.
 */
export function preparedStatement(text: string, values: unknown[]): QueryConfig {
  if (values.length === 0) return { text, values };
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `adpilot_${names.size + 1}`;
    names.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}
