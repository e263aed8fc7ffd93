import type { FastifyRequest } from "fastify";
import type { Principal } from "../keys/repository.js";
import type { ApiAction } from "./permissions.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated key; set by the authentication hook on every non-public route. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The permission this route needs (see permissions.ts); required on every authenticated route. */
    action?: ApiAction;
    /** Accept the key as `?key=` too (only /events: EventSource cannot set headers). */
    allowQueryKey?: boolean;
  }
}

/** The principal of an authenticated route; the hook guarantees it is set there. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error("principalOf called on a route outside the authenticated scope");
  return request.principal;
}
