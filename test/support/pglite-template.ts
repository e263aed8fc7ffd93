import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { openStore, PGLITE_PARSERS, readMigrationFiles } from "../../src/store/index.js";

/**
 * A fresh PGlite runs initdb (~4 s, ~1 GB peak). Tests instead load a migrated data folder dumped
 * once per set of migrations (~1 s). The file name carries the migrations' checksums, so a new
 * migration produces a new template.
 */
export function templatePath(): string {
  const digest = createHash("sha256")
    .update(
      readMigrationFiles()
        .map((m) => m.checksum)
        .join(","),
    )
    .digest("hex")
    .slice(0, 16);
  return join(tmpdir(), `adpilot-pglite-template-${digest}.tar.gz`);
}

export async function ensurePgliteTemplate(): Promise<string> {
  const path = templatePath();
  if (existsSync(path)) return path;
  const pglite = await PGlite.create({ parsers: PGLITE_PARSERS });
  const store = await openStore({ pglite });
  await store.close();
  const dump = await pglite.dumpDataDir("gzip");
  await pglite.close();
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, path);
  return path;
}

export async function pgliteFromTemplate(): Promise<PGlite> {
  const path = await ensurePgliteTemplate();
  const blob = new Blob([readFileSync(path)]);
  return PGlite.create({ loadDataDir: blob, parsers: PGLITE_PARSERS });
}
