import type { SqlSession } from "./session.js";

/** A parameterised SQL statement. */
export interface Statement {
  text: string;
  values: unknown[];
}

/** Shifts a statement's $n placeholders by `offset` (its parameters follow others'). */
function renumber(text: string, offset: number): string {
  return offset === 0 ? text : text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}

function joinParts(statements: readonly Statement[], part: (text: string, index: number) => string) {
  const values: unknown[] = [];
  const parts = statements.map((st, i) => {
    const offset = values.length;
    values.push(...st.values);
    return part(renumber(st.text, offset), i);
  });
  return { parts, values };
}

/**
 * Several data-modifying statements as one: each becomes a CTE of `WITH ... SELECT 1`, its $n
 * placeholders renumbered after the ones before it. PostgreSQL runs every data-modifying CTE, all
 * against one snapshot, atomically. The statements must not contain `$` outside placeholders.
 */
export function combineStatements(statements: readonly Statement[]): Statement | null {
  if (statements.length === 0) return null;
  if (statements.length === 1) return statements[0]!;
  const { parts, values } = joinParts(statements, (text, i) => `s${i + 1} AS (${text})`);
  return { text: `WITH ${parts.join(",\n")} SELECT 1`, values };
}

/** A read whose rows arrive as JSON (numbers as numbers, timestamps as ISO strings, jsonb as values). */
export interface JsonRead<T> extends Statement {
  parse(rows: Record<string, unknown>[]): T;
}

/**
 * Several SELECTs in one round trip: each runs as a scalar subquery aggregating its rows to JSON, all
 * against one snapshot. For the many small reads a decision needs at once (a proposal batch's context),
 * where separate queries would each cost a round trip. Same `$` rule as `combineStatements`.
 */
export async function readMany<R extends Record<string, JsonRead<unknown>>>(
  db: Pick<SqlSession, "query">,
  reads: R,
): Promise<{ [K in keyof R]: R[K] extends JsonRead<infer T> ? T : never }> {
  const names = Object.keys(reads);
  const out: Record<string, unknown> = {};
  if (names.length === 0) return out as never;
  const { parts, values } = joinParts(
    names.map((n) => reads[n]!),
    (text, i) => `(SELECT coalesce(json_agg(r), '[]'::json) FROM (${text}) r) AS r${i}`,
  );
  const [row] = await db.query<Record<string, unknown>>(`SELECT ${parts.join(",\n")}`, values);
  names.forEach((name, i) => {
    const raw = row![`r${i}`];
    const rows = (typeof raw === "string" ? JSON.parse(raw) : raw) as Record<string, unknown>[];
    out[name] = reads[name]!.parse(rows);
  });
  return out as never;
}

/**
 * `(…), (…)` placeholders for a multi-row INSERT … VALUES, numbered from `$1`, and the values in order.
 * Each row must have the same number of values.
 */
export function valuesList(rows: readonly (readonly unknown[])[]): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const base = values.length;
    values.push(...row);
    return `(${row.map((_, k) => `$${base + k + 1}`).join(", ")})`;
  });
  return { sql: tuples.join(", "), values };
}

/**
 * Consecutive statements joined into as few `combineStatements` as keep each under `maxParams`
 * parameters (PostgreSQL takes at most 65,535), in order.
 */
export function combineWithin(statements: readonly Statement[], maxParams = 60_000): Statement[] {
  const out: Statement[] = [];
  let group: Statement[] = [];
  let params = 0;
  for (const st of statements) {
    if (group.length > 0 && params + st.values.length > maxParams) {
      out.push(combineStatements(group)!);
      group = [];
      params = 0;
    }
    group.push(st);
    params += st.values.length;
  }
  if (group.length > 0) out.push(combineStatements(group)!);
  return out;
}

/**
 * INSERT … VALUES statements for many rows, `perStatement` rows each (keep rows × columns well under
 * PostgreSQL's 65,535 parameters): `head` is the statement up to VALUES, `toValues` one row's values.
 */
export function insertStatements<T>(
  head: string,
  rows: readonly T[],
  perStatement: number,
  toValues: (row: T) => unknown[],
): Statement[] {
  const out: Statement[] = [];
  for (let from = 0; from < rows.length; from += perStatement) {
    const { sql, values } = valuesList(rows.slice(from, from + perStatement).map(toValues));
    out.push({ text: `${head} VALUES ${sql}`, values });
  }
  return out;
}
