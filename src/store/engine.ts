import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { acquireDataDirLock } from "./data-dir-lock.js";
import { migrate } from "./migrate.js";
import { preparedStatement } from "./prepared.js";
import { makePgliteSession, makePgSession, type SqlSession } from "./session.js";

const INT8 = 20;
const DATE = 1082;
const parseInt8 = (value: string) => Number(value);
const keepDate = (value: string) => value;
// bigint minor units stay below 2^53; dates stay calendar strings, never shifted by the host's time zone.
pg.types.setTypeParser(INT8, parseInt8);
pg.types.setTypeParser(DATE, keepDate);
/** PGlite options that make it return the same JS types as our pg client. */
export const PGLITE_PARSERS = { [INT8]: parseInt8, [DATE]: keepDate };

export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type StoreKind = "pglite" | "postgres";

/**
 * One Postgres dialect, two engines: PGlite in a folder (the embedded default) or a PostgreSQL server.
 * `db` is the typed Drizzle handle for ordinary queries; `query` and `transaction` give raw SQL
 * (with COPY for bulk loads) on either engine.
 */
export interface Store {
  readonly kind: StoreKind;
  readonly db: Db;
  /** Where the data lives, for messages: a folder or a redacted connection string. */
  readonly location: string;
  /** The embedded engine's instance (job queue adapters need it); undefined on PostgreSQL. */
  readonly pglite?: PGlite;
  /** The PostgreSQL connection string; undefined on PGlite. */
  readonly databaseUrl?: string;
  /** The Postgres schema in use, when not the default (tests). */
  readonly schema?: string;
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** postgres://... ; when absent the embedded PGlite store is used. */
  databaseUrl?: string;
  /** PGlite data folder (default ./.adpilot/db or ADPILOT_DATA_DIR). */
  dataDir?: string;
  /** Postgres schema to use (search_path); tests use one schema each. */
  schema?: string;
  /** An existing PGlite instance (tests share templates); the caller owns its lifetime. */
  pglite?: PGlite;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  poolSize?: number;
}

export function defaultDataDir(): string {
  return resolve(process.env.ADPILOT_DATA_DIR ?? ".adpilot/db");
}

/** Opens the store chosen by the options or the environment (DATABASE_URL) and applies migrations. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const databaseUrl =
    options.databaseUrl ?? (options.pglite || options.dataDir ? undefined : process.env.DATABASE_URL);
  const store = databaseUrl ? await openPostgres(databaseUrl, options) : await openPglite(options);
  if (options.migrate !== false) {
    try {
      await migrate(store);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}

async function openPglite(options: OpenStoreOptions): Promise<Store> {
  let release = () => {};
  let pglite = options.pglite;
  let location = "pglite (shared instance)";
  const owned = !pglite;
  if (!pglite) {
    const dataDir = options.dataDir ?? defaultDataDir();
    location = dataDir;
    release = acquireDataDirLock(dataDir).release;
    try {
      pglite = await PGlite.create({ dataDir, parsers: PGLITE_PARSERS });
    } catch (error) {
      release();
      throw new Error(`could not open the embedded database in ${dataDir}: ${(error as Error).message}`);
    }
  }
  const client = pglite;
  if (options.schema) {
    await client.exec(
      `CREATE SCHEMA IF NOT EXISTS "${options.schema}"; SET search_path TO "${options.schema}", public;`,
    );
  }
  let closed = false;
  return {
    kind: "pglite",
    db: drizzlePglite(client) as unknown as Db,
    location,
    pglite: client,
    schema: options.schema,
    async query<T>(text: string, params: unknown[] = []) {
      return (await client.query<T>(text, params)).rows;
    },
    transaction: (work) => client.transaction((tx) => work(makePgliteSession(tx))),
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await client.close();
      release();
    },
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres (unparseable URL)";
  }
}

async function openPostgres(databaseUrl: string, options: OpenStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    options: options.schema ? `-c search_path="${options.schema}",public` : undefined,
  });
  pool.on("error", () => {
    // An idle client lost its connection (server restart); the pool replaces it on next use.
  });
  try {
    if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    else await pool.query("SELECT 1");
  } catch (error) {
    await pool.end();
    throw new Error(`could not connect to PostgreSQL at ${redact(databaseUrl)}: ${(error as Error).message}`);
  }
  let closed = false;
  return {
    kind: "postgres",
    db: drizzlePg(pool) as unknown as Db,
    location: redact(databaseUrl),
    databaseUrl,
    schema: options.schema,
    async query<T>(text: string, params: unknown[] = []) {
      return (await pool.query(preparedStatement(text, params))).rows as T[];
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(makePgSession(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
