import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The dashboard's unit tests: pure data-shaping functions (formatters, series builders, reducers).
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
