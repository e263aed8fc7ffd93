import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { EventBus } from "../service/event-bus.js";
import type { Store } from "../store/index.js";

/** What the service reports about itself to `GET /status`, for one workspace. */
export interface ServiceStatus {
  state: string;
  [detail: string]: unknown;
}

export interface ServiceStatusProvider {
  status(workspaceId: string): ServiceStatus | Promise<ServiceStatus>;
}

/** The Fastify instance route modules receive: zod schemas type requests and responses. */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A feature's routes. Registered inside the authenticated scope: every route must declare its action. */
export type RouteModule = (app: ApiApp, deps: ApiDeps) => void | Promise<void>;

export interface ApiLimits {
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Requests per key (per IP before authentication) per window (default 600). */
  rateLimitMax?: number;
  /** Rate-limit window in milliseconds (default 60,000). */
  rateLimitWindowMs?: number;
  /** Comment line sent on idle /events streams, in milliseconds (default 15,000). */
  sseHeartbeatMs?: number;
}

/** Everything the API needs, opened and owned by the caller: `buildApiServer` never opens anything. */
export interface ApiDeps {
  store: Store;
  events: EventBus;
  clock: () => Date;
  /** The running service, when there is one in this process; without it `GET /status` answers 503. */
  status?: ServiceStatusProvider;
  /** Extra feature modules (proposals, overrides, alerts, mmm, lab...), after the built-in ones. */
  routes?: RouteModule[];
  limits?: ApiLimits;
  /** Fastify logger option: false (default) or pino options / instance. */
  logger?: boolean | Record<string, unknown>;
}
