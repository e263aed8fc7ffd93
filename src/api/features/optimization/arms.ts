import { z } from "zod";
import { principalOf } from "../../auth/principal.js";
import type { ApiApp, ApiDeps } from "../../deps.js";
import { commonErrorResponses } from "../../errors.js";
import { requireAccount } from "../../routes/account-scope.js";
import { accountIdParams } from "../../schemas/common.js";
import { isoSql } from "../shared.js";
import { armEntities } from "./arm-entities.js";
import { DECISION_COLUMNS, type DecisionRow, decisionOut, decisionSchema } from "./decision-schema.js";

const budgetChangeSchema = z.object({
  proposalId: z.number().int(),
  at: z.string(),
  fromMinor: z.number().int().nullable(),
  toMinor: z.number().int().nullable(),
  approvedBy: z.string().nullable().describe("who approved it: policy (auto-approval), key:<id>, a user"),
  origin: z.string(),
  reason: z.string(),
  status: z.string().describe("applied, or rolled_back when a rollback undid it"),
});

const armSchema = z
  .object({
    armId: z.string(),
    level: z.enum(["campaign", "ad_group"]),
    name: z.string().nullable(),
    channel: z.string(),
    status: z.string().nullable(),
    currentBudgetMinor: z.number().int().nullable(),
    allocation: z
      .object({ cycleNo: z.number().int(), budgetMinor: z.number().int(), share: z.number() })
      .nullable()
      .describe("the arm's target in the latest allocation"),
    decision: decisionSchema.nullable().describe("the latest decision"),
    budgetChanges: z.array(budgetChangeSchema).describe("applied budget changes, oldest first (last 50)"),
  })
  .meta({ id: "Arm" });

const HISTORY_PER_ARM = 50;

/** Each arm with its latest decision (posteriors, fatigue, explanation) and its budget-change history. */
export function armRoutes(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.get(
    "/accounts/:accountId/arms",
    {
      config: { action: "accounts.read" },
      schema: {
        tags: ["decisions"],
        summary:
          "Arms with their latest decision, posterior, fatigue and the history of their budget changes",
        params: accountIdParams,
        response: {
          200: z.object({ accountId: z.string(), currency: z.string(), arms: z.array(armSchema) }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const account = await requireAccount(store, principalOf(request).workspaceId, request.params.accountId);
      const [entities, decisions, allocations, changes] = await Promise.all([
        armEntities(store, account.id),
        store.query<DecisionRow>(
          `SELECT DISTINCT ON (arm_id) ${DECISION_COLUMNS} FROM decisions WHERE account_id = $1
            ORDER BY arm_id, cycle_no DESC`,
          [account.id],
        ),
        store.query<{ armId: string; cycleNo: number; budgetMinor: number; share: number }>(
          `SELECT arm_id AS "armId", cycle_no AS "cycleNo", budget_minor AS "budgetMinor", share FROM allocations
            WHERE account_id = $1 AND cycle_no = (SELECT max(cycle_no) FROM allocations WHERE account_id = $1)`,
          [account.id],
        ),
        store.query<z.infer<typeof budgetChangeSchema> & { armId: string }>(
          `SELECT * FROM (
             SELECT ac.entity_id AS "armId", ac.proposal_id AS "proposalId", ${isoSql("ac.applied_at")} AS at,
                    ac.before_numeric AS "fromMinor", ac.after_numeric AS "toMinor", (SELECT ap.actor FROM approvals ap WHERE ap.proposal_id = p.id AND ap.decision = 'approved'
                      ORDER BY ap.id DESC LIMIT 1) AS "approvedBy",
                    p.origin, p.reason, p.status, ac.applied_at AS sort_at,
                    row_number() OVER (PARTITION BY ac.entity_id ORDER BY ac.applied_at DESC, ac.id DESC) AS n
               FROM applied_changes ac JOIN proposals p ON p.id = ac.proposal_id
              WHERE ac.account_id = $1 AND ac.kind = 'daily_budget') h
            WHERE n <= ${HISTORY_PER_ARM} ORDER BY sort_at, "proposalId"`,
          [account.id],
        ),
      ]);
      const decisionByArm = new Map(decisions.map((d) => [d.armId, decisionOut(d)]));
      const allocationByArm = new Map(allocations.map((a) => [a.armId, a]));
      const ids = [
        ...new Set([...entities.keys(), ...decisionByArm.keys(), ...allocationByArm.keys()]),
      ].sort();
      const arms = ids.map((armId) => {
        const e = entities.get(armId);
        const d = decisionByArm.get(armId) ?? null;
        const a = allocationByArm.get(armId);
        return {
          armId,
          level: e?.level ?? ("campaign" as const),
          name: e?.name ?? null,
          channel: e?.channel ?? d?.channel ?? "other",
          status: e?.status ?? null,
          currentBudgetMinor: e?.currentBudgetMinor ?? null,
          allocation: a ? { cycleNo: a.cycleNo, budgetMinor: a.budgetMinor, share: a.share } : null,
          decision: d,
          budgetChanges: changes
            .filter((c) => c.armId === armId)
            .map(({ proposalId, at, fromMinor, toMinor, approvedBy, origin, reason, status }) => ({
              proposalId: Number(proposalId),
              at,
              fromMinor,
              toMinor,
              approvedBy,
              origin,
              reason,
              status,
            })),
        };
      });
      return { accountId: account.id, currency: account.currency, arms };
    },
  );
}
