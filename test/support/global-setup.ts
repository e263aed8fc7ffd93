import { ensurePgliteTemplate } from "./pglite-template.js";

// Runs once before the whole Vitest run: builds the migrated PGlite template every store test loads.
export default async function setup(): Promise<void> {
  process.env.NO_COLOR = "1";
  await ensurePgliteTemplate();
}
