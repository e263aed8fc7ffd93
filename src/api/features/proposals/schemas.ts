import { z } from "zod";
import { PROPOSAL_STATUSES, type Proposal } from "../../../governance/index.js";
import { iso } from "../shared.js";

const budgetOf = (v: unknown): number | null => {
  const n = (v as { dailyBudgetMinor?: unknown } | null)?.dailyBudgetMinor;
  return typeof n === "number" ? n : null;
};

export const expectedEffectSchema = z
  .object({
    valueChangeMinor: z.number().describe("expected change of daily value (revenue) in minor units"),
    roasPosteriorMean: z.number(),
    basis: z.string().describe("how it was estimated, in words"),
  })
  .meta({ id: "ProposalExpectedEffect" });

export const proposalSchema = z
  .object({
    id: z.number().int(),
    accountId: z.string(),
    entityLevel: z.string(),
    entityId: z.string().describe("the platform's id of the campaign, ad group or ad (the arm)"),
    campaignId: z.string(),
    kind: z.string(),
    currency: z.string(),
    before: z.record(z.string(), z.unknown()),
    after: z.record(z.string(), z.unknown()),
    requested: z.record(z.string(), z.unknown()).describe("what was asked for before the guardrails"),
    budgetChange: z
      .object({
        beforeMinor: z.number().nullable(),
        afterMinor: z.number().nullable(),
        requestedMinor: z.number().nullable(),
        deltaMinor: z.number().nullable(),
        deltaPct: z.number().nullable(),
      })
      .nullable()
      .describe("daily_budget proposals: the change in minor units; null for other kinds"),
    guardrailReasons: z
      .array(z.record(z.string(), z.unknown()))
      .describe("each clip or refusal by a guardrail: rule, message, from, to, limit"),
    clipped: z.boolean().describe("the guardrails changed what was asked for"),
    reason: z.string(),
    factors: z.array(z.record(z.string(), z.unknown())),
    expectedEffect: expectedEffectSchema.nullable(),
    mode: z.string(),
    origin: z.string(),
    cycleId: z.string().nullable(),
    overrideId: z.number().int().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    revision: z.number().int(),
    requiresApproval: z.boolean(),
    approvalReasons: z.array(z.string()),
    status: z.enum(PROPOSAL_STATUSES),
    statusChangedAt: z.string(),
    statusChangedBy: z.string(),
    statusComment: z.string().nullable(),
    expiresAt: z.string(),
    appliedAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .meta({ id: "Proposal" });
export type ProposalOut = z.infer<typeof proposalSchema>;

export const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    hash: z.string(),
  })
  .meta({ id: "AuditEntry" });

/** The arm's posterior mean ROAS from its latest decision, keyed by arm id (for the expected effect). */
export type RoasByArm = ReadonlyMap<string, number>;

export function proposalOut(p: Proposal, roasByArm: RoasByArm = new Map()): ProposalOut {
  const beforeMinor = budgetOf(p.before);
  const afterMinor = budgetOf(p.after);
  const requestedMinor = budgetOf(p.requested);
  const isBudget = p.kind === "daily_budget";
  const deltaMinor = beforeMinor !== null && afterMinor !== null ? afterMinor - beforeMinor : null;
  const roas = roasByArm.get(`${p.accountId}\u0000${p.entityId}`);
  return {
    id: p.id,
    accountId: p.accountId,
    entityLevel: p.entityLevel,
    entityId: p.entityId,
    campaignId: p.campaignId,
    kind: p.kind,
    currency: p.currency,
    before: p.before as Record<string, unknown>,
    after: p.after as Record<string, unknown>,
    requested: p.requested as Record<string, unknown>,
    budgetChange: isBudget
      ? {
          beforeMinor,
          afterMinor,
          requestedMinor,
          deltaMinor,
          deltaPct: deltaMinor !== null && beforeMinor ? deltaMinor / beforeMinor : null,
        }
      : null,
    guardrailReasons: p.guardrailReasons as unknown as Record<string, unknown>[],
    clipped: p.guardrailReasons.length > 0,
    reason: p.reason,
    factors: p.factors,
    expectedEffect:
      isBudget && deltaMinor !== null && roas !== undefined && Number.isFinite(roas)
        ? {
            valueChangeMinor: Math.round(deltaMinor * roas),
            roasPosteriorMean: roas,
            basis:
              "budget change x the arm's posterior mean ROAS at its latest decision (linear, no saturation)",
          }
        : null,
    mode: p.mode,
    origin: p.origin,
    cycleId: p.cycleId,
    overrideId: p.overrideId,
    createdBy: p.createdBy,
    createdAt: iso(p.createdAt) as string,
    revision: p.revision,
    requiresApproval: p.requiresApproval,
    approvalReasons: p.approvalReasons,
    status: p.status,
    statusChangedAt: iso(p.statusChangedAt) as string,
    statusChangedBy: p.statusChangedBy,
    statusComment: p.statusComment,
    expiresAt: iso(p.expiresAt) as string,
    appliedAt: iso(p.appliedAt),
    lastError: p.lastError,
  };
}
