import { z } from "zod";
import { PROPOSAL_STATUSES, type Proposal } from "../../../governance/index.js";
import type { Store } from "../../../store/index.js";
import { principalOf } from "../../auth/principal.js";
import type { ApiApp, ApiDeps, RouteModule } from "../../deps.js";
import { commonErrorResponses, notFound } from "../../errors.js";
import type { FeatureDeps } from "../deps.js";
import { actorOf, idParams, requireAccountAt, requireOwned } from "../shared.js";
import { auditEntrySchema, proposalOut, proposalSchema, type RoasByArm } from "./schemas.js";

const listQuery = z
  .object({
    status: z
      .enum(PROPOSAL_STATUSES)
      .optional()
      .describe("only proposals in this status; proposed = the queue"),
    account: z.string().min(1).max(200).optional().describe("only this account's proposals"),
    cycle: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe("only proposals of this cycle id (<account>:<cycleNo>)"),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const comment = z.string().trim().max(2000);
const approveBody = z.object({ comment: comment.nullable().optional() }).strict().optional();
const rejectBody = z
  .object({ comment: comment.min(1, "say why the proposal is rejected").describe("why (required)") })
  .strict();
const batchBody = z
  .object({
    ids: z
      .array(z.number().int().positive())
      .min(1, "give at least one proposal id")
      .max(200, "approve at most 200 proposals at once")
      .refine((ids) => new Set(ids).size === ids.length, "the same proposal id is given twice"),
    comment: comment.nullable().optional(),
  })
  .strict();

const one = { 200: z.object({ proposal: proposalSchema }), ...commonErrorResponses };

/** Posterior mean ROAS of each arm at its latest decision, for the proposals' expected effect. */
async function latestRoas(store: Store, proposals: readonly Proposal[]): Promise<RoasByArm> {
  if (proposals.length === 0) return new Map();
  const rows = await store.query<{ accountId: string; armId: string; roas: number | null }>(
    `SELECT DISTINCT ON (account_id, arm_id) account_id AS "accountId", arm_id AS "armId",
            (numbers->>'roasPosteriorMean')::float8 AS roas
       FROM decisions WHERE account_id = ANY($1::text[]) AND arm_id = ANY($2::text[])
      ORDER BY account_id, arm_id, cycle_no DESC`,
    [[...new Set(proposals.map((p) => p.accountId))], [...new Set(proposals.map((p) => p.entityId))]],
  );
  return new Map(
    rows.filter((r) => r.roas !== null).map((r) => [`${r.accountId}\u0000${r.armId}`, r.roas as number]),
  );
}

/**
 * The approval queue: list and show proposals (with their audit history), approve, reject with a
 * comment, approve a batch (all or nothing). Governance checks the rules again (approver or admin, not
 * the proposal's own author, before expiry, only from proposed); decisions are published as events.
 */
export function proposalRoutes(features: FeatureDeps): RouteModule {
  const { governance } = features;
  return (app: ApiApp, deps: ApiDeps) => {
    const { store } = deps;
    const out = async (proposals: Proposal[]) => {
      const roas = await latestRoas(store, proposals);
      return proposals.map((p) => proposalOut(p, roas));
    };
    const publish = (p: Proposal, by: string) =>
      deps.events.publish({
        type: p.status === "approved" ? "proposal.approved" : "proposal.rejected",
        workspaceId: p.workspaceId,
        accountId: p.accountId,
        at: deps.clock().toISOString(),
        data: { proposalId: p.id, status: p.status, entityId: p.entityId, by, comment: p.statusComment },
      });

    app.get(
      "/proposals",
      {
        config: { action: "proposals.read" },
        schema: {
          tags: ["proposals"],
          summary: "Proposals of the workspace, newest first (status=proposed is the approval queue)",
          querystring: listQuery,
          response: { 200: z.object({ proposals: z.array(proposalSchema) }), ...commonErrorResponses },
        },
      },
      async (request) => {
        const { workspaceId } = principalOf(request);
        const { status, account, cycle, limit } = request.query;
        if (account) {
          await requireAccountAt(store, workspaceId, account, "query.account");
        }
        const proposals = await governance.proposals.list(actorOf(request), {
          status,
          accountId: account,
          cycleId: cycle,
          limit,
        });
        return { proposals: await out(proposals) };
      },
    );

    app.get(
      "/proposals/:id",
      {
        config: { action: "proposals.read" },
        schema: {
          tags: ["proposals"],
          summary: "One proposal with its audit history (created, clipped, approved, applied...)",
          params: idParams,
          response: {
            200: z.object({ proposal: proposalSchema, history: z.array(auditEntrySchema) }),
            ...commonErrorResponses,
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        await requireOwned(store, "proposals", id, principalOf(request).workspaceId, "proposal");
        const { proposal, history } = await governance.proposals.show(actorOf(request), id);
        return {
          proposal: (await out([proposal]))[0],
          history: history.map((h) => ({
            seq: h.seq,
            at: new Date(h.at).toISOString(),
            actor: h.actor,
            action: h.action,
            before: h.before,
            after: h.after,
            hash: h.hash,
          })),
        };
      },
    );

    app.post(
      "/proposals/:id/approve",
      {
        config: { action: "proposals.decide" },
        schema: {
          tags: ["proposals"],
          summary:
            "Approve a proposed change (approver or admin; not a proposal or override of this key's own)",
          params: idParams,
          body: approveBody,
          response: one,
        },
      },
      async (request) => {
        const { id } = request.params;
        await requireOwned(store, "proposals", id, principalOf(request).workspaceId, "proposal");
        const actor = actorOf(request);
        const proposal = await governance.proposals.approve(actor, id, request.body?.comment ?? null);
        publish(proposal, actor.userId);
        return { proposal: (await out([proposal]))[0] };
      },
    );

    app.post(
      "/proposals/:id/reject",
      {
        config: { action: "proposals.decide" },
        schema: {
          tags: ["proposals"],
          summary: "Reject a proposed change with a comment saying why",
          params: idParams,
          body: rejectBody,
          response: one,
        },
      },
      async (request) => {
        const { id } = request.params;
        await requireOwned(store, "proposals", id, principalOf(request).workspaceId, "proposal");
        const actor = actorOf(request);
        const proposal = await governance.proposals.reject(actor, id, request.body.comment);
        publish(proposal, actor.userId);
        return { proposal: (await out([proposal]))[0] };
      },
    );

    app.post(
      "/proposals/approve",
      {
        config: { action: "proposals.decide" },
        schema: {
          tags: ["proposals"],
          summary: "Approve several proposals at once, all or nothing",
          body: batchBody,
          response: { 200: z.object({ proposals: z.array(proposalSchema) }), ...commonErrorResponses },
        },
      },
      async (request) => {
        const { workspaceId } = principalOf(request);
        const { ids } = request.body;
        const owned = await store.query<{ id: number }>(
          "SELECT id FROM proposals WHERE id = ANY($1::bigint[]) AND workspace_id = $2",
          [ids, workspaceId],
        );
        const found = new Set(owned.map((r) => Number(r.id)));
        const missing = ids.findIndex((id) => !found.has(id));
        if (missing >= 0) {
          throw notFound(
            `there is no proposal ${ids[missing]} in this workspace; nothing was approved`,
            `body.ids.${missing}`,
          );
        }
        const actor = actorOf(request);
        const proposals = await governance.proposals.approveMany(actor, ids, request.body.comment ?? null);
        for (const p of proposals) publish(p, actor.userId);
        return { proposals: await out(proposals) };
      },
    );
  };
}
