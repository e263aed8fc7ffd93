import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import { type ApiDeps, buildApiServer } from "../api/index.js";

/** Where `vite build` puts the dashboard (web/dist), relative to this file. */
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "web", "dist");

export interface HttpOptions {
  host?: string;
  port: number;
  /** Serve the built dashboard at `/` when it exists (default WEB_DIST). */
  webDir?: string | null;
}

/**
 * The service's HTTP face: the API (authenticated JSON, OpenAPI at /openapi.json, /events) plus the
 * dashboard's static files at `/`. Returns the listening address.
 */
export async function startHttpServer(
  deps: ApiDeps,
  options: HttpOptions,
  publicRoutes?: (app: Awaited<ReturnType<typeof buildApiServer>>) => void | Promise<void>,
) {
  const app = await buildApiServer(deps);
  await publicRoutes?.(app);
  const webDir = options.webDir === undefined ? WEB_DIST : options.webDir;
  const dashboard = webDir !== null && existsSync(join(webDir, "index.html"));
  if (dashboard) {
    await app.register(fastifyStatic, { root: webDir, prefix: "/", index: ["index.html"], wildcard: false });
  }
  await app.listen({ host: options.host ?? "127.0.0.1", port: options.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `http://${options.host ?? "127.0.0.1"}:${port}`;
  return { app, url, dashboard };
}
