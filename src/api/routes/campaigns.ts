import { z } from "zod";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { commonErrorResponses } from "../errors.js";
import { ACCOUNT_STATUSES, accountIdParams } from "../schemas/common.js";
import { requireAccount } from "./account-scope.js";

const campaignSchema = z
  .object({
    externalId: z.string(),
    name: z.string().nullable(),
    channel: z.string(),
    status: z.enum(ACCOUNT_STATUSES),
    dailyBudgetMinor: z
      .number()
      .int()
      .nullable()
      .describe("daily budget in minor units of the account currency"),
    updatedAt: z.string(),
  })
  .meta({ id: "Campaign" });

/** The campaigns of one account with their budgets and status. */
export function campaignRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    "/accounts/:accountId/campaigns",
    {
      config: { action: "campaigns.read" },
      schema: {
        tags: ["campaigns"],
        summary: "Campaigns of an account with daily budgets and status",
        params: accountIdParams,
        querystring: z.object({ status: z.enum(ACCOUNT_STATUSES).optional() }).strict(),
        response: {
          200: z.object({ accountId: z.string(), currency: z.string(), campaigns: z.array(campaignSchema) }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const account = await requireAccount(
        deps.store,
        principalOf(request).workspaceId,
        request.params.accountId,
      );
      const params: unknown[] = [account.id];
      const status = request.query.status ? ` AND status = $${params.push(request.query.status)}` : "";
      const campaigns = await deps.store.query<z.infer<typeof campaignSchema>>(
        `SELECT external_id AS "externalId", name, channel, status, daily_budget_minor AS "dailyBudgetMinor",
                to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"
         FROM campaigns WHERE account_id = $1${status} ORDER BY channel, external_id`,
        params,
      );
      return { accountId: account.id, currency: account.currency, campaigns };
    },
  );
}
