import { z } from "zod";
import { principalOf } from "../../auth/principal.js";
import type { ApiApp, ApiDeps } from "../../deps.js";
import { badRequest, commonErrorResponses } from "../../errors.js";
import { requireAccount } from "../../routes/account-scope.js";
import { accountIdParams, isoDate } from "../../schemas/common.js";
import { isoSql } from "../shared.js";

const channelShare = z.object({
  channel: z.string(),
  budgetMinor: z.number().int().describe("target daily budget, minor units"),
  share: z.number().describe("share of the account's daily budget"),
});

const allocationSchema = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    cycleNo: z
      .number()
      .int()
      .nullable()
      .describe("the latest cycle with an allocation; null before the first"),
    at: z.string().nullable().describe("the cycle's (simulated) time"),
    totalBudgetMinor: z.number().int(),
    channels: z.array(
      channelShare.extend({
        currentBudgetMinor: z.number().int().describe("sum of the arms' budgets on the platform now"),
        source: z
          .string()
          .nullable()
          .describe("mmm: the MMM set the channel total; bandit: the bandit split all"),
      }),
    ),
    arms: z.array(
      z.object({
        armId: z.string(),
        name: z.string().nullable(),
        channel: z.string(),
        status: z.string().nullable(),
        budgetMinor: z.number().int(),
        share: z.number(),
        currentBudgetMinor: z.number().int().nullable().describe("the budget on the platform now"),
      }),
    ),
  })
  .meta({ id: "Allocation" });

const historySchema = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    channels: z.array(z.string()).describe("every channel that appears, sorted (series of the chart)"),
    cycles: z.array(
      z.object({
        cycleNo: z.number().int(),
        at: z.string(),
        totalBudgetMinor: z.number().int(),
        channels: z.array(channelShare),
      }),
    ),
  })
  .meta({ id: "AllocationHistory" });

const historyQuery = z
  .object({
    from: isoDate.optional().describe("first day (cycle time), YYYY-MM-DD"),
    to: isoDate.optional().describe("last day (cycle time), inclusive, YYYY-MM-DD"),
    limit: z.coerce.number().int().min(1).max(5000).default(1000).describe("most recent cycles kept"),
  })
  .strict();

/** The cycle's time: simulated for sandbox accounts, the wall clock otherwise. */
const CYCLE_AT = `coalesce(cy.sim_time, cy.started_at)`;

/** The current target allocation per channel and arm, and its history per cycle. */
export function allocationRoutes(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;

  app.get(
    "/accounts/:accountId/allocation",
    {
      config: { action: "accounts.read" },
      schema: {
        tags: ["allocations"],
        summary: "The latest cycle's target allocation per channel and per arm, with the current budgets",
        params: accountIdParams,
        response: { 200: allocationSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const account = await requireAccount(store, principalOf(request).workspaceId, request.params.accountId);
      // One query for the latest cycle and its arms with their entities (campaigns, or ad groups when the
      // service's arm level says so): dashboards poll this route, so it makes as few round trips as it can.
      const arms = await store.query<{
        cycleNo: number;
        at: string | null;
        sources: { channel: string; source: string }[] | null;
        armId: string;
        channel: string;
        budgetMinor: number;
        share: number;
        name: string | null;
        status: string | null;
        currentBudgetMinor: number | null;
      }>(
        `WITH l AS (
           SELECT a.cycle_no, ${isoSql(CYCLE_AT)} AS at, cy.summary->'channels' AS sources,
                  coalesce((SELECT arm_level FROM service_accounts WHERE account_id = $1), 'campaign') AS level
             FROM (SELECT max(cycle_no) AS cycle_no FROM allocations WHERE account_id = $1) a
             LEFT JOIN cycles cy ON cy.account_id = $1 AND cy.cycle_no = a.cycle_no
            WHERE a.cycle_no IS NOT NULL)
         SELECT l.cycle_no AS "cycleNo", l.at, l.sources, a.arm_id AS "armId", a.channel,
                a.budget_minor AS "budgetMinor", a.share, e.name, e.status, e.budget AS "currentBudgetMinor"
           FROM l JOIN allocations a ON a.account_id = $1 AND a.cycle_no = l.cycle_no
           LEFT JOIN LATERAL (
             SELECT c.name, c.status, c.daily_budget_minor AS budget FROM campaigns c
              WHERE l.level = 'campaign' AND c.account_id = a.account_id AND c.external_id = a.arm_id
             UNION ALL
             SELECT g.name, g.status, g.daily_budget_minor FROM ad_groups g
               JOIN campaigns c ON c.account_id = g.account_id AND c.external_id = g.campaign_external_id
              WHERE l.level = 'ad_group' AND g.account_id = a.account_id AND g.external_id = a.arm_id
           ) e ON true
          ORDER BY a.channel, a.arm_id`,
        [account.id],
      );
      const base = { accountId: account.id, currency: account.currency };
      const latest = arms[0];
      if (!latest) return { ...base, cycleNo: null, at: null, totalBudgetMinor: 0, channels: [], arms: [] };
      const sources = new Map((latest.sources ?? []).map((c) => [c.channel, c.source]));
      const byChannel = new Map<string, { budgetMinor: number; share: number; currentBudgetMinor: number }>();
      for (const a of arms) {
        const c = byChannel.get(a.channel) ?? { budgetMinor: 0, share: 0, currentBudgetMinor: 0 };
        c.budgetMinor += a.budgetMinor;
        c.share += a.share;
        c.currentBudgetMinor += a.currentBudgetMinor ?? 0;
        byChannel.set(a.channel, c);
      }
      return {
        ...base,
        cycleNo: latest.cycleNo,
        at: latest.at,
        totalBudgetMinor: arms.reduce((sum, a) => sum + a.budgetMinor, 0),
        channels: [...byChannel].map(([channel, c]) => ({
          channel,
          ...c,
          source: sources.get(channel) ?? null,
        })),
        arms: arms.map(({ cycleNo: _c, at: _a, sources: _s, ...arm }) => arm),
      };
    },
  );

  app.get(
    "/accounts/:accountId/allocations",
    {
      config: { action: "accounts.read" },
      schema: {
        tags: ["allocations"],
        summary: "Allocation per channel for each cycle, oldest first (the share-of-budget chart)",
        params: accountIdParams,
        querystring: historyQuery,
        response: { 200: historySchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const account = await requireAccount(store, principalOf(request).workspaceId, request.params.accountId);
      const { from, to, limit } = request.query;
      if (from && to && from > to)
        throw badRequest("validation_failed", `from ${from} is after to ${to}`, "query.from");
      const params: unknown[] = [account.id];
      const where = [
        ...(from ? [`${CYCLE_AT} >= ($${params.push(from)}::date)::timestamp AT TIME ZONE 'UTC'`] : []),
        ...(to ? [`${CYCLE_AT} < ($${params.push(to)}::date + 1)::timestamp AT TIME ZONE 'UTC'`] : []),
      ];
      const rows = await store.query<{
        cycleNo: number;
        at: string;
        channel: string;
        budgetMinor: number;
        share: number;
      }>(
        `WITH picked AS (
           SELECT cy.cycle_no, ${CYCLE_AT} AS at FROM cycles cy
            WHERE cy.account_id = $1 AND EXISTS (SELECT 1 FROM allocations a WHERE a.account_id = $1 AND a.cycle_no = cy.cycle_no)
              ${where.map((w) => `AND ${w}`).join(" ")}
            ORDER BY cy.cycle_no DESC LIMIT $${params.push(limit)})
         SELECT p.cycle_no AS "cycleNo", ${isoSql("p.at")} AS at, a.channel,
                sum(a.budget_minor)::bigint AS "budgetMinor", sum(a.share)::float8 AS share
           FROM picked p JOIN allocations a ON a.account_id = $1 AND a.cycle_no = p.cycle_no
          GROUP BY p.cycle_no, p.at, a.channel ORDER BY p.cycle_no, a.channel`,
        params,
      );
      const cycles = new Map<
        number,
        { cycleNo: number; at: string; totalBudgetMinor: number; channels: z.infer<typeof channelShare>[] }
      >();
      for (const r of rows) {
        const c = cycles.get(r.cycleNo) ?? {
          cycleNo: r.cycleNo,
          at: r.at,
          totalBudgetMinor: 0,
          channels: [],
        };
        c.channels.push({ channel: r.channel, budgetMinor: r.budgetMinor, share: r.share });
        c.totalBudgetMinor += r.budgetMinor;
        cycles.set(r.cycleNo, c);
      }
      return {
        accountId: account.id,
        currency: account.currency,
        channels: [...new Set(rows.map((r) => r.channel))].sort(),
        cycles: [...cycles.values()],
      };
    },
  );
}
