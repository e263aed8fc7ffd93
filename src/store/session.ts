import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Transaction } from "@electric-sql/pglite";
import type pg from "pg";
import copyStreams from "pg-copy-streams";
import { preparedStatement } from "./prepared.js";

/** Raw SQL inside one transaction, the same on both engines. */
export interface SqlSession {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Streams CSV text chunks into `table(columns)` with COPY; returns when all are loaded. */
  copyCsv(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<void>;
}

export function makePgliteSession(tx: Transaction): SqlSession {
  return {
    async query<T>(text: string, params: unknown[] = []) {
      return (await tx.query<T>(text, params)).rows;
    },
    async exec(script) {
      await tx.exec(script);
    },
    async copyCsv(table, columns, chunks) {
      // PGlite reads COPY input from a Blob mounted at /dev/blob: one COPY per chunk keeps memory bounded.
      for await (const chunk of chunks) {
        await tx.query(`COPY ${table} (${columns.join(", ")}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
          blob: new Blob([chunk]),
        });
      }
    },
  };
}

export function makePgSession(client: pg.PoolClient): SqlSession {
  return {
    async query<T>(text: string, params: unknown[] = []) {
      return (await client.query(preparedStatement(text, params))).rows as T[];
    },
    async exec(script) {
      await client.query(script);
    },
    async copyCsv(table, columns, chunks) {
      const sink = client.query(
        copyStreams.from(`COPY ${table} (${columns.join(", ")}) FROM STDIN WITH (FORMAT csv)`),
      );
      await pipeline(Readable.from(chunks), sink);
    },
  };
}
