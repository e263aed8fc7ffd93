export type { AuthenticatedRoute } from "./auth/authenticate.js";
export type { ApiAction } from "./auth/permissions.js";
export { API_ACTIONS, isPermitted, ROLE_PERMISSIONS } from "./auth/permissions.js";
export { principalOf } from "./auth/principal.js";
export type {
  ApiApp,
  ApiDeps,
  ApiLimits,
  RouteModule,
  ServiceStatus,
  ServiceStatusProvider,
} from "./deps.js";
export {
  ApiError,
  badRequest,
  commonErrorResponses,
  conflict,
  errorResponseSchema,
  forbidden,
  notFound,
} from "./errors.js";
export * from "./keys/index.js";
export { requireAccount } from "./routes/account-scope.js";
export {
  authenticatedRoutes,
  BUILT_IN_ROUTES,
  buildApiServer,
  DEFAULT_BODY_LIMIT,
  DEFAULT_RATE_LIMIT,
} from "./server.js";
