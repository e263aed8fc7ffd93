import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Store } from "../../store/index.js";
import { forbidden, unauthorized } from "../errors.js";
import { authenticate } from "../keys/repository.js";
import { type ApiAction, isPermitted, leastRoleFor } from "./permissions.js";
import "./principal.js";

export interface AuthenticatedRoute {
  method: string;
  url: string;
  action: ApiAction;
}

function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : "";
  }
  if (request.routeOptions.config.allowQueryKey) {
    const key = (request.query as Record<string, unknown> | undefined)?.key;
    if (typeof key === "string") return key;
  }
  return null;
}

/**
 * Adds authentication and authorization to every route of `scope`: a route without a declared action
 * is refused at registration (deny by default); a request needs a valid, unrevoked key whose role
 * permits the action. Workspace checks happen in the routes, which only ever query the key's workspace.
 */
export function installAuthentication(
  scope: FastifyInstance,
  store: Store,
  clock: () => Date,
  onRouteAdded: (route: AuthenticatedRoute) => void = () => {},
): void {
  scope.addHook("onRoute", (route) => {
    const action = route.config?.action;
    if (!action) {
      throw new Error(`route ${route.method} ${route.url} declares no action: add config: { action } to it`);
    }
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") onRouteAdded({ method, url: route.url, action });
    }
  });
  scope.addHook("onRequest", async (request) => {
    const key = presentedKey(request);
    if (key === null) {
      throw unauthorized(
        "this route needs an API key: send the header Authorization: Bearer adp_... (create one with `adpilot keys create`)",
      );
    }
    if (key === "") throw unauthorized("the Authorization header must be of the form: Bearer adp_...");
    const principal = await authenticate(store, key, { now: clock() });
    if (!principal) {
      throw unauthorized("the API key is unknown, mistyped or revoked; check it or create a new one");
    }
    request.principal = principal;
    const action = request.routeOptions.config.action;
    if (!action || !isPermitted(principal.role, action)) {
      throw forbidden(
        `role ${principal.role} may not ${action ?? "use this route"}; it needs a key with role ${action ? leastRoleFor(action) : "admin"} or higher`,
      );
    }
  });
}
