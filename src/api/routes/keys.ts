import { z } from "zod";
import { principalOf } from "../auth/principal.js";
import { ROLES } from "../auth/roles.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { commonErrorResponses, conflict, notFound } from "../errors.js";
import { createApiKey, listApiKeys, revokeApiKey } from "../keys/repository.js";

const keyInfoSchema = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    role: z.enum(ROLES),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ApiKey" });

const keyIdParams = z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/, "a key id is 16 hex characters") });

/** API keys of the workspace (admin only). The secret is returned once, by POST. */
export function keyRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    "/keys",
    {
      config: { action: "keys.read" },
      schema: {
        tags: ["keys"],
        summary: "The workspace's API keys (never their secrets)",
        querystring: z.object({ includeRevoked: z.enum(["true", "false"]).default("false") }).strict(),
        response: { 200: z.object({ keys: z.array(keyInfoSchema) }), ...commonErrorResponses },
      },
    },
    async (request) => ({
      keys: await listApiKeys(deps.store, principalOf(request).workspaceId, {
        includeRevoked: request.query.includeRevoked === "true",
      }),
    }),
  );

  app.post(
    "/keys",
    {
      config: { action: "keys.write" },
      schema: {
        tags: ["keys"],
        summary: "Create a key for the workspace; the full key is in this response only",
        body: z.object({ role: z.enum(ROLES), name: z.string().trim().min(1).max(200) }).strict(),
        response: {
          201: z.object({
            key: z.string().describe("store it now: it is never shown again"),
            info: keyInfoSchema,
          }),
          ...commonErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const created = await createApiKey(deps.store, {
        workspaceId: principalOf(request).workspaceId,
        role: request.body.role,
        name: request.body.name,
        now: deps.clock(),
      });
      return reply.code(201).send({ key: created.key, info: created.info });
    },
  );

  app.delete(
    "/keys/:keyId",
    {
      config: { action: "keys.write" },
      schema: {
        tags: ["keys"],
        summary: "Revoke a key (immediately; it stays listed with includeRevoked=true)",
        params: keyIdParams,
        response: { 200: z.object({ key: keyInfoSchema }), ...commonErrorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      if (request.params.keyId === principal.keyId) {
        throw conflict("a key cannot revoke itself; use another admin key", "params.keyId");
      }
      const key = await revokeApiKey(deps.store, principal.workspaceId, request.params.keyId, deps.clock());
      if (!key)
        throw notFound(
          `there is no key "${request.params.keyId}" in this workspace; GET /keys lists them`,
          "params.keyId",
        );
      return { key };
    },
  );
}
