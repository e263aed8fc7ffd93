import { z } from "zod";
import { principalOf } from "../auth/principal.js";
import { ROLES } from "../auth/roles.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { commonErrorResponses, conflict, notFound } from "../errors.js";
import { createApiKey } from "../keys/repository.js";

const workspaceSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).meta({
  id: "Workspace",
});

const createWorkspaceBody = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "use 2-63 lowercase letters, digits and dashes, e.g. acme-eu")
      .describe("the new workspace's id"),
    name: z.string().trim().min(1).max(200),
  })
  .strict();

const SELECT_WORKSPACE = `SELECT id, name,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt" FROM workspaces`;

/**
 * Workspaces. A key belongs to exactly one workspace, so "list" shows that one. Creating a workspace
 * returns its first admin key (shown once): the creating key gets no access to it.
 */
export function workspaceRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    "/workspaces",
    {
      config: { action: "workspaces.read" },
      schema: {
        tags: ["workspaces"],
        summary: "The workspace of the calling key",
        response: { 200: z.object({ workspaces: z.array(workspaceSchema) }), ...commonErrorResponses },
      },
    },
    async (request) => {
      const workspaces = await deps.store.query<z.infer<typeof workspaceSchema>>(
        `${SELECT_WORKSPACE} WHERE id = $1`,
        [principalOf(request).workspaceId],
      );
      return { workspaces };
    },
  );

  app.get(
    "/whoami",
    {
      config: { action: "workspaces.read" },
      schema: {
        tags: ["workspaces"],
        summary: "The calling key: its id, name, role and workspace (what a client may show and offer)",
        response: {
          200: z.object({
            key: z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES) }),
            workspace: workspaceSchema,
          }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const [workspace] = await deps.store.query<z.infer<typeof workspaceSchema>>(
        `${SELECT_WORKSPACE} WHERE id = $1`,
        [principal.workspaceId],
      );
      if (!workspace) throw notFound(`the key's workspace "${principal.workspaceId}" no longer exists`);
      return { key: { id: principal.keyId, name: principal.name, role: principal.role }, workspace };
    },
  );

  app.post(
    "/workspaces",
    {
      config: { action: "workspaces.create" },
      schema: {
        tags: ["workspaces"],
        summary: "Create a workspace and its first admin key (the key is shown only in this response)",
        body: createWorkspaceBody,
        response: {
          201: z.object({
            workspace: workspaceSchema,
            adminKey: z.object({
              id: z.string(),
              key: z.string().describe("store it now: it is never shown again"),
            }),
          }),
          ...commonErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { id, name } = request.body;
      const principal = principalOf(request);
      const result = await deps.store.transaction(async (tx) => {
        const inserted = await tx.query(
          "INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id",
          [id, name, deps.clock()],
        );
        if (inserted.length === 0) return null;
        const [workspace] = await tx.query<z.infer<typeof workspaceSchema>>(
          `${SELECT_WORKSPACE} WHERE id = $1`,
          [id],
        );
        const key = await createApiKey(tx, {
          workspaceId: id,
          role: "admin",
          name: `first admin key (created by key ${principal.keyId})`,
          now: deps.clock(),
        });
        return { workspace, adminKey: { id: key.id, key: key.key } };
      });
      if (!result) throw conflict(`a workspace "${id}" already exists; choose another id`, "body.id");
      return reply.code(201).send(result);
    },
  );
}
