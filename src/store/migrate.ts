import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "./engine.js";

/**
 * Versioned SQL files in ./migrations named `NNNN_description.sql`, applied in order, each in its own
 * transaction together with its row in `schema_migrations`. Re-running is a no-op; an applied file
 * whose text changed is refused (write a new migration instead). On PostgreSQL an advisory lock makes
 * concurrent starts of several workers safe.
 */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "migrations");
const MIGRATION_LOCK_KEY = 727_401_223;

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  sql: string;
}

export interface MigrationStatus {
  version: number;
  name: string;
  appliedAt: Date | null;
  state: "applied" | "pending" | "changed";
}

export function readMigrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const version = Number(file.slice(0, 4));
    const other = seen.get(version);
    if (other) throw new Error(`two migrations share version ${version}: ${other} and ${file}`);
    seen.set(version, file);
    const sql = readFileSync(join(dir, file), "utf8");
    return {
      version,
      name: file.replace(/\.sql$/, ""),
      checksum: createHash("sha256").update(sql).digest("hex"),
      sql,
    };
  });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

export async function migrate(store: Store, files = readMigrationFiles()): Promise<number> {
  return store.transaction(async (session) => {
    if (store.kind === "postgres")
      await session.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await session.exec(CREATE_TABLE);
    const applied = new Map(
      (
        await session.query<AppliedRow>("SELECT version, name, checksum, applied_at FROM schema_migrations")
      ).map((r) => [r.version, r]),
    );
    let count = 0;
    for (const file of files) {
      const done = applied.get(file.version);
      if (done) {
        if (done.checksum !== file.checksum) {
          throw new Error(
            `migration ${file.name} was changed after it was applied (checksum differs). Applied migrations are immutable: revert the edit and add a new migration file.`,
          );
        }
        continue;
      }
      try {
        await session.exec(file.sql);
      } catch (error) {
        throw new Error(`migration ${file.name} failed: ${(error as Error).message}`);
      }
      await session.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        file.version,
        file.name,
        file.checksum,
      ]);
      count++;
    }
    return count;
  });
}

export async function migrationStatus(
  store: Store,
  files = readMigrationFiles(),
): Promise<MigrationStatus[]> {
  await store.query(CREATE_TABLE);
  const applied = new Map(
    (await store.query<AppliedRow>("SELECT version, name, checksum, applied_at FROM schema_migrations")).map(
      (r) => [r.version, r],
    ),
  );
  return files.map((file) => {
    const row = applied.get(file.version);
    return {
      version: file.version,
      name: file.name,
      appliedAt: row ? new Date(row.applied_at) : null,
      state: !row ? "pending" : row.checksum === file.checksum ? "applied" : "changed",
    };
  });
}
