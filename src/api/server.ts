import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { type AuthenticatedRoute, installAuthentication } from "./auth/authenticate.js";
import type { ApiDeps, RouteModule } from "./deps.js";
import { installErrorHandlers } from "./error-handler.js";
import { ApiError } from "./errors.js";
import { registerOpenApi } from "./openapi.js";
import { accountRoutes } from "./routes/accounts.js";
import { campaignRoutes } from "./routes/campaigns.js";
import { configRoutes } from "./routes/config.js";
import { eventRoutes } from "./routes/events.js";
import { healthRoutes } from "./routes/health.js";
import { keyRoutes } from "./routes/keys.js";
import { metricsRoutes } from "./routes/metrics.js";
import { statusRoutes } from "./routes/status.js";
import { workspaceRoutes } from "./routes/workspaces.js";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_RATE_LIMIT = 600;
export const DEFAULT_RATE_WINDOW_MS = 60_000;

/** The feature modules every server has; `deps.routes` adds more after them. */
export const BUILT_IN_ROUTES: readonly RouteModule[] = [
  workspaceRoutes,
  accountRoutes,
  campaignRoutes,
  metricsRoutes,
  configRoutes,
  statusRoutes,
  keyRoutes,
  eventRoutes,
];

const routeTables = new WeakMap<FastifyInstance, AuthenticatedRoute[]>();

/** Every authenticated route of a server built here, with the action it requires (HEAD omitted). */
export function authenticatedRoutes(app: FastifyInstance): readonly AuthenticatedRoute[] {
  return routeTables.get(app) ?? [];
}

/**
 * The composition root of the HTTP API. It only wires what it is given (store, event bus, clock,
 * status provider, extra route modules) and opens nothing: call `listen` on the result to serve, or
 * `inject` to test in-process. Closing it does not close the store. Routes added directly on the
 * returned instance are outside the authenticated scope: pass feature modules in `deps.routes`.
 */
export async function buildApiServer(deps: ApiDeps): Promise<FastifyInstance> {
  const bodyLimit = deps.limits?.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit, forceCloseConnections: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest("principal", null);
  installErrorHandlers(app, bodyLimit);

  await app.register(rateLimit, {
    global: true,
    // After authentication, so the limit is per key (per IP for unauthenticated routes).
    hook: "preHandler",
    max: deps.limits?.rateLimitMax ?? DEFAULT_RATE_LIMIT,
    timeWindow: deps.limits?.rateLimitWindowMs ?? DEFAULT_RATE_WINDOW_MS,
    keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        "rate_limited",
        `this API key made more than ${context.max} requests in ${context.after}; wait ${Math.ceil(context.ttl / 1000)} s (see Retry-After) or ask for a higher limit`,
      ),
  });
  await registerOpenApi(app);

  const routes: AuthenticatedRoute[] = [];
  routeTables.set(app, routes);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  healthRoutes(typed, deps);
  await app.register(async (scope) => {
    installAuthentication(scope, deps.store, deps.clock, (route) => routes.push(route));
    const api = scope.withTypeProvider<ZodTypeProvider>();
    for (const module of [...BUILT_IN_ROUTES, ...(deps.routes ?? [])]) await module(api, deps);
  });
  return app;
}
