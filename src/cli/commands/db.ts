import type { Command } from "commander";
import { migrationStatus } from "../../store/index.js";
import { withStore } from "../store-session.js";
import { renderTable } from "../table.js";

export function registerDb(program: Command): void {
  const db = program.command("db").description("the database: where it is and its migrations");
  db.command("status")
    .description("engine, location and the state of every migration")
    .action(async () => {
      await withStore(async (store) => {
        const status = await migrationStatus(store);
        console.log(
          `engine: ${store.kind === "pglite" ? "embedded (PGlite)" : "PostgreSQL"} at ${store.location}`,
        );
        console.log(
          renderTable(
            ["version", "name", "state", "applied at"],
            status.map((m) => [String(m.version), m.name, m.state, m.appliedAt?.toISOString() ?? "-"]),
          ),
        );
      });
    });
}
