import { createHash } from "node:crypto";
import { z } from "zod";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { badRequest, commonErrorResponses, conflict } from "../errors.js";
import { ACCOUNT_STATUSES, accountIdParams, accountSchema, PLATFORMS } from "../schemas/common.js";
import { listWorkspaceAccounts, requireAccount } from "./account-scope.js";

const createAccountBody = z
  .object({
    platform: z.enum(PLATFORMS),
    externalId: z.string().trim().min(1).max(200).describe("the platform's account id"),
    name: z.string().trim().min(1).max(200),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "expected an ISO 4217 code in capitals, e.g. USD")
      .describe("ISO 4217 currency of the account's amounts"),
    timeZone: z.string().default("UTC").describe("IANA time zone of the account's reporting day"),
  })
  .strict();

/** Same id scheme as the CSV import, so an account added here and later imported is one account. */
function accountId(workspaceId: string, platform: string, externalId: string): string {
  return `acc_${createHash("md5").update(`${workspaceId}/${platform}/${externalId}`).digest("hex").slice(0, 16)}`;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Accounts of the key's workspace: list, show, add, pause, resume and remove (a status, data is kept). */
export function accountRoutes(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  const accountResponse = { 200: z.object({ account: accountSchema }), ...commonErrorResponses };

  app.get(
    "/accounts",
    {
      config: { action: "accounts.read" },
      schema: {
        tags: ["accounts"],
        summary: "List the workspace's ad accounts",
        querystring: z.object({ status: z.enum(ACCOUNT_STATUSES).optional() }).strict(),
        response: { 200: z.object({ accounts: z.array(accountSchema) }), ...commonErrorResponses },
      },
    },
    async (request) => {
      const all = await listWorkspaceAccounts(store, principalOf(request).workspaceId);
      const { status } = request.query;
      return { accounts: (status ? all.filter((a) => a.status === status) : all) as AccountOut[] };
    },
  );

  app.get(
    "/accounts/:accountId",
    {
      config: { action: "accounts.read" },
      schema: {
        tags: ["accounts"],
        summary: "One account",
        params: accountIdParams,
        response: accountResponse,
      },
    },
    async (request) => ({
      account: (await requireAccount(
        store,
        principalOf(request).workspaceId,
        request.params.accountId,
      )) as AccountOut,
    }),
  );

  app.post(
    "/accounts",
    {
      config: { action: "accounts.write" },
      schema: {
        tags: ["accounts"],
        summary: "Add an ad account to the workspace",
        body: createAccountBody,
        response: { 201: z.object({ account: accountSchema }), ...commonErrorResponses },
      },
    },
    async (request, reply) => {
      const { workspaceId } = principalOf(request);
      const input = request.body;
      if (!validTimeZone(input.timeZone)) {
        throw badRequest(
          "validation_failed",
          `unknown time zone "${input.timeZone}"; use an IANA name such as Europe/Berlin or America/New_York`,
          "body.timeZone",
        );
      }
      const id = accountId(workspaceId, input.platform, input.externalId);
      const inserted = await store.query(
        `INSERT INTO ad_accounts (id, workspace_id, platform, external_id, name, currency, time_zone, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
        [
          id,
          workspaceId,
          input.platform,
          input.externalId,
          input.name,
          input.currency,
          input.timeZone,
          deps.clock(),
        ],
      );
      if (inserted.length === 0) {
        throw conflict(
          `this workspace already has the ${input.platform} account "${input.externalId}" (id ${id}); resume it instead of adding it again`,
          "body.externalId",
        );
      }
      return reply.code(201).send({ account: (await requireAccount(store, workspaceId, id)) as AccountOut });
    },
  );

  const statusChange = (
    path: string,
    summary: string,
    to: AccountOut["status"],
    from: AccountOut["status"][],
  ) =>
    app.post(
      path,
      {
        config: { action: "accounts.write" },
        schema: {
          tags: ["accounts"],
          summary,
          params: accountIdParams,
          response: { ...accountResponse },
        },
      },
      async (request) => {
        const { workspaceId } = principalOf(request);
        const account = await requireAccount(store, workspaceId, request.params.accountId);
        if (account.status !== to) {
          if (!from.includes(account.status as AccountOut["status"])) {
            throw conflict(
              `account ${account.id} is ${account.status}; only ${from.join(" or ")} accounts can be set ${to}`,
            );
          }
          await store.query("UPDATE ad_accounts SET status = $3 WHERE workspace_id = $1 AND id = $2", [
            workspaceId,
            account.id,
            to,
          ]);
        }
        return { account: { ...(account as AccountOut), status: to } };
      },
    );
  statusChange("/accounts/:accountId/pause", "Pause an account: the service stops optimizing it", "paused", [
    "active",
  ]);
  statusChange("/accounts/:accountId/resume", "Resume a paused or removed account", "active", [
    "paused",
    "removed",
  ]);

  app.delete(
    "/accounts/:accountId",
    {
      config: { action: "accounts.write" },
      schema: {
        tags: ["accounts"],
        summary: "Remove an account from optimization (status removed; its history is kept)",
        params: accountIdParams,
        response: accountResponse,
      },
    },
    async (request) => {
      const { workspaceId } = principalOf(request);
      const account = await requireAccount(store, workspaceId, request.params.accountId);
      await store.query("UPDATE ad_accounts SET status = 'removed' WHERE workspace_id = $1 AND id = $2", [
        workspaceId,
        account.id,
      ]);
      return { account: { ...(account as AccountOut), status: "removed" as const } };
    },
  );
}

type AccountOut = z.infer<typeof accountSchema>;
