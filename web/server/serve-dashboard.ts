import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** Where `npx vite build --config web/vite.config.ts` writes the dashboard. */
export const DASHBOARD_DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");

/**
 * Serves the built dashboard at `/` on an API server from `buildApiServer` (before `listen`/`ready`).
 * The files are public (the app asks for a key itself); API routes keep priority over the static
 * wildcard. The app routes with `#/...`, so no fallback to index.html is needed.
 * Returns false (and registers nothing) when the dashboard has not been built.
 */
export async function registerDashboard(
  app: FastifyInstance,
  root: string = DASHBOARD_DIST,
): Promise<boolean> {
  if (!existsSync(join(root, "index.html"))) return false;
  await app.register(fastifyStatic, {
    root,
    prefix: "/",
    index: ["index.html"],
    // Hashed assets never change; index.html must always be revalidated.
    setHeaders(res, path) {
      res.setHeader(
        "cache-control",
        path.endsWith("index.html") ? "no-cache" : "public, max-age=31536000, immutable",
      );
    },
  });
  return true;
}
