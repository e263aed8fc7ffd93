import { z } from "zod";
import { performanceReport } from "../../store/reports.js";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { badRequest, commonErrorResponses } from "../errors.js";
import { accountIdParams, isoDate } from "../schemas/common.js";
import { requireAccount } from "./account-scope.js";

const rowSchema = z
  .object({
    period: z.string().nullable().describe("first day of the period (YYYY-MM-DD); null for grain total"),
    key: z.string(),
    label: z.string(),
    currency: z.string(),
    impressions: z.number(),
    clicks: z.number(),
    costMinor: z.number().describe("spend in minor units"),
    conversions: z.number(),
    revenueMinor: z.number(),
    ctr: z.number().nullable(),
    cvr: z.number().nullable(),
    cpcMinor: z.number().nullable(),
    cacMinor: z.number().nullable(),
    roas: z.number().nullable(),
  })
  .meta({ id: "PerformanceRow" });

const metricsQuery = z
  .object({
    by: z.enum(["channel", "campaign", "ad", "account"]).default("channel"),
    grain: z.enum(["total", "day", "week", "month"]).default("day"),
    from: isoDate.optional().describe("first day, inclusive"),
    to: isoDate.optional().describe("last day, inclusive"),
  })
  .strict();

/** Performance of one account from performance_daily, grouped by channel, campaign or ad, per period. */
export function metricsRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    "/accounts/:accountId/metrics",
    {
      config: { action: "metrics.read" },
      schema: {
        tags: ["metrics"],
        summary: "Performance of an account by day/week/month and channel, campaign or ad",
        params: accountIdParams,
        querystring: metricsQuery,
        response: {
          200: z.object({
            accountId: z.string(),
            currency: z.string(),
            rows: z.array(rowSchema),
            total: rowSchema,
          }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const { workspaceId } = principalOf(request);
      const account = await requireAccount(deps.store, workspaceId, request.params.accountId);
      const { by, grain, from, to } = request.query;
      if (from && to && from > to) {
        throw badRequest("validation_failed", `from (${from}) is after to (${to}); swap them`, "query.from");
      }
      const report = await performanceReport(deps.store, {
        by,
        grain,
        from,
        to,
        workspaceId,
        accountId: account.id,
        currency: account.currency,
      });
      return { accountId: account.id, currency: report.currency, rows: report.rows, total: report.total };
    },
  );
}
