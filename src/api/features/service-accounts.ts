import { z } from "zod";
import {
  listServiceAccounts,
  type ServiceAccount,
  setServiceAccountActive,
  upsertServiceAccount,
} from "../../service/cycle/service-accounts.js";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { commonErrorResponses, notFound } from "../errors.js";
import { accountIdParams } from "../schemas/common.js";
import { iso, requireAccountAt } from "./shared.js";

const serviceAccountSchema = z
  .object({
    accountId: z.string(),
    name: z.string(),
    platform: z.string(),
    currency: z.string(),
    active: z.boolean().describe("the service runs cycles for it (the account must be active too)"),
    dailyBudgetMinor: z.number().int(),
    intervalSeconds: z.number().int(),
    armLevel: z.enum(["campaign", "ad_group"]),
    scenario: z.string().nullable(),
    nextCycleNo: z.number().int(),
    nextRunAt: z.string(),
    consecutiveFailures: z.number().int(),
    lastError: z.string().nullable(),
  })
  .meta({ id: "ServiceAccount" });

const addBody = z
  .object({
    accountId: z.string().min(1).max(200),
    dailyBudgetMinor: z
      .number()
      .int()
      .min(0)
      .max(1e13)
      .describe("daily budget the service distributes, minor units"),
    intervalSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .optional()
      .describe("cycle interval (default 900)"),
    armLevel: z.enum(["campaign", "ad_group"]).optional(),
  })
  .strict();

const out = (s: ServiceAccount): z.infer<typeof serviceAccountSchema> => ({
  accountId: s.accountId,
  name: s.name,
  platform: s.platform,
  currency: s.currency,
  active: s.active,
  dailyBudgetMinor: Number(s.dailyBudgetMinor),
  intervalSeconds: s.intervalSeconds,
  armLevel: s.armLevel,
  scenario: s.scenario,
  nextCycleNo: s.nextCycleNo,
  nextRunAt: iso(s.nextRunAt) as string,
  consecutiveFailures: s.consecutiveFailures,
  lastError: s.lastError,
});

/** Which accounts the optimization service runs, with their budget and interval; pause and resume. */
export function serviceAccountRoutes(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  const find = async (workspaceId: string, accountId: string, field: string) => {
    const found = (await listServiceAccounts(store, workspaceId)).find((s) => s.accountId === accountId);
    if (!found) {
      throw notFound(
        `account "${accountId}" of this workspace is not run by the service; add it with POST /service/accounts`,
        field,
      );
    }
    return found;
  };

  app.get(
    "/service/accounts",
    {
      config: { action: "status.read" },
      schema: {
        tags: ["service"],
        summary: "Accounts the optimization service runs, with budget, interval, next run and failures",
        response: { 200: z.object({ accounts: z.array(serviceAccountSchema) }), ...commonErrorResponses },
      },
    },
    async (request) => ({
      accounts: (await listServiceAccounts(store, principalOf(request).workspaceId)).map(out),
    }),
  );

  app.post(
    "/service/accounts",
    {
      config: { action: "accounts.write" },
      schema: {
        tags: ["service"],
        summary: "Have the service optimize an account, or change its budget and interval (admin)",
        body: addBody,
        response: { 200: z.object({ account: serviceAccountSchema }), ...commonErrorResponses },
      },
    },
    async (request) => {
      const { workspaceId } = principalOf(request);
      const body = request.body;
      await requireAccountAt(store, workspaceId, body.accountId, "body.accountId");
      await upsertServiceAccount(store, body);
      return { account: out(await find(workspaceId, body.accountId, "body.accountId")) };
    },
  );

  for (const [verb, active] of [
    ["pause", false],
    ["resume", true],
  ] as const) {
    app.post(
      `/service/accounts/:accountId/${verb}`,
      {
        config: { action: "accounts.write" },
        schema: {
          tags: ["service"],
          summary: active
            ? "Resume the service's cycles for an account (admin)"
            : "Pause the service's cycles for an account (admin)",
          params: accountIdParams,
          response: { 200: z.object({ account: serviceAccountSchema }), ...commonErrorResponses },
        },
      },
      async (request) => {
        const { workspaceId } = principalOf(request);
        const { accountId } = request.params;
        await find(workspaceId, accountId, "params.accountId");
        await setServiceAccountActive(store, accountId, active);
        return { account: out(await find(workspaceId, accountId, "params.accountId")) };
      },
    );
  }
}
