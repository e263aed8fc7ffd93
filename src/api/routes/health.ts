import { z } from "zod";
import type { ApiApp, ApiDeps } from "../deps.js";
import { errorResponseSchema } from "../errors.js";

const READY_TIMEOUT_MS = 2_000;

/** Liveness and readiness for orchestrators: no key needed, not rate limited. */
export function healthRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    "/healthz",
    {
      config: { rateLimit: false },
      schema: {
        tags: ["health"],
        summary: "The process is up",
        security: [],
        response: { 200: z.object({ status: z.literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      config: { rateLimit: false },
      schema: {
        tags: ["health"],
        summary: "The store answers a query (503 otherwise)",
        security: [],
        response: { 200: z.object({ status: z.literal("ready") }), 503: errorResponseSchema },
      },
    },
    async (request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
          READY_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([deps.store.query("SELECT 1"), timeout]);
        return { status: "ready" as const };
      } catch (error) {
        request.log.warn({ err: error }, "readiness check failed");
        return reply.code(503).send({
          error: {
            code: "store_unavailable",
            message:
              "the database does not answer; check DATABASE_URL, that PostgreSQL is up, and the server log",
            field: null,
          },
        });
      } finally {
        clearTimeout(timer);
      }
    },
  );
}
