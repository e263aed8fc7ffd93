import { z } from "zod";
import { principalOf } from "../../auth/principal.js";
import type { ApiApp, ApiDeps } from "../../deps.js";
import { commonErrorResponses } from "../../errors.js";
import { requireAccount } from "../../routes/account-scope.js";
import { accountIdParams } from "../../schemas/common.js";
import { isoSql } from "../shared.js";
import {
  DECISION_ACTIONS,
  DECISION_COLUMNS,
  type DecisionRow,
  decisionOut,
  decisionSchema,
} from "./decision-schema.js";

const decisionsQuery = z
  .object({
    cycle: z.coerce.number().int().positive().optional().describe("only this cycle number"),
    arm: z.string().min(1).max(300).optional().describe("only this arm (platform id)"),
    action: z.enum(DECISION_ACTIONS).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

const cycleSchema = z
  .object({
    cycleNo: z.number().int(),
    status: z.enum(["running", "completed", "failed"]),
    attempts: z.number().int(),
    simTime: z.string().nullable().describe("simulated time of the cycle (sandbox accounts)"),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable(),
    summary: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe("arms, proposals, applied, spend today, channels"),
  })
  .meta({ id: "Cycle" });

/** Decisions with their explanations, and the cycle history of an account. */
export function decisionRoutes(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;

  app.get(
    "/accounts/:accountId/decisions",
    {
      config: { action: "accounts.read" },
      schema: {
        tags: ["decisions"],
        summary:
          "Per-arm decisions (observe/kill/scale/maintain) with confidence, reason and explanation, newest first",
        params: accountIdParams,
        querystring: decisionsQuery,
        response: {
          200: z.object({ accountId: z.string(), decisions: z.array(decisionSchema) }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const account = await requireAccount(store, principalOf(request).workspaceId, request.params.accountId);
      const { cycle, arm, action, limit } = request.query;
      const params: unknown[] = [account.id];
      const where = [
        ...(cycle !== undefined ? [`cycle_no = $${params.push(cycle)}`] : []),
        ...(arm ? [`arm_id = $${params.push(arm)}`] : []),
        ...(action ? [`action = $${params.push(action)}`] : []),
      ];
      const rows = await store.query<DecisionRow>(
        `SELECT ${DECISION_COLUMNS} FROM decisions WHERE account_id = $1 ${where.map((w) => `AND ${w}`).join(" ")}
          ORDER BY cycle_no DESC, arm_id LIMIT $${params.push(limit)}`,
        params,
      );
      return { accountId: account.id, decisions: rows.map(decisionOut) };
    },
  );

  app.get(
    "/accounts/:accountId/cycles",
    {
      config: { action: "status.read" },
      schema: {
        tags: ["decisions"],
        summary: "Optimization cycles of an account with status, error, duration and summary, newest first",
        params: accountIdParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict(),
        response: {
          200: z.object({ accountId: z.string(), cycles: z.array(cycleSchema) }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const account = await requireAccount(store, principalOf(request).workspaceId, request.params.accountId);
      const cycles = await store.query<z.infer<typeof cycleSchema>>(
        `SELECT cycle_no AS "cycleNo", status, attempts, ${isoSql("sim_time")} AS "simTime",
                ${isoSql("started_at")} AS "startedAt", ${isoSql("finished_at")} AS "finishedAt",
                duration_ms AS "durationMs", error, summary
           FROM cycles WHERE account_id = $1 ORDER BY cycle_no DESC LIMIT $2`,
        [account.id, request.query.limit],
      );
      return { accountId: account.id, cycles };
    },
  );
}
