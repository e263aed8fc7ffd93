import { z } from "zod";
import type { Override } from "../../governance/index.js";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps, RouteModule } from "../deps.js";
import { badRequest, commonErrorResponses } from "../errors.js";
import type { FeatureDeps } from "./deps.js";
import { proposalOut, proposalSchema } from "./proposals/schemas.js";
import { actorOf, idParams, iso, requireAccountAt, requireOwned } from "./shared.js";

/** Governance's limits, checked here too so the error names the field. */
const MAX_OVERRIDE_DAYS = 90;
const MIN_JUSTIFICATION = 10;

const overrideSchema = z
  .object({
    id: z.number().int(),
    accountId: z.string(),
    kind: z.enum(["pin_budget", "pin_share", "pause", "forbid"]),
    entityLevel: z.string().nullable(),
    entityId: z.string().nullable(),
    channel: z.string().nullable(),
    value: z.record(z.string(), z.unknown()),
    justification: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    endedAt: z.string().nullable(),
    endedBy: z.string().nullable(),
    endReason: z.string().nullable(),
    state: z.enum(["active", "ended", "expired"]),
  })
  .meta({ id: "Override" });

const createBody = z
  .object({
    accountId: z.string().min(1).max(200),
    kind: z.enum(["pin_budget", "pin_share", "pause", "forbid"]),
    entity: z
      .object({ level: z.enum(["campaign", "ad_group", "ad"]), id: z.string().min(1).max(300) })
      .strict()
      .optional()
      .describe("pin_budget, pause: required; forbid: an entity or a channel"),
    channel: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("pin_share: required; forbid: an entity or a channel"),
    value: z
      .object({
        dailyBudgetMinor: z.number().int().min(0).optional().describe("pin_budget: minor units"),
        share: z.number().gt(0).max(1).optional().describe("pin_share: (0, 1]"),
      })
      .strict()
      .optional(),
    justification: z
      .string()
      .trim()
      .min(MIN_JUSTIFICATION, `say why in at least ${MIN_JUSTIFICATION} characters`)
      .max(2000),
    expiresAt: z.iso
      .datetime({ offset: true })
      .describe(`when it ends by itself, at most ${MAX_OVERRIDE_DAYS} days ahead`),
  })
  .strict()
  .superRefine((b, ctx) => {
    const need = (ok: boolean, path: string[], message: string) => {
      if (!ok) ctx.addIssue({ code: "custom", path, message });
    };
    if (b.kind === "pin_budget" || b.kind === "pause")
      need(!!b.entity, ["entity"], `a ${b.kind} override needs an entity`);
    if (b.kind === "pin_budget")
      need(
        b.value?.dailyBudgetMinor !== undefined,
        ["value", "dailyBudgetMinor"],
        "pin_budget needs value.dailyBudgetMinor",
      );
    if (b.kind === "pin_share") {
      need(!!b.channel, ["channel"], "a pin_share override needs a channel");
      need(b.value?.share !== undefined, ["value", "share"], "pin_share needs value.share in (0, 1]");
    }
    if (b.kind === "forbid")
      need(!!b.entity || !!b.channel, ["entity"], "a forbid override needs an entity or a channel");
  });

function overrideOut(o: Override, now: Date): z.infer<typeof overrideSchema> {
  const state = o.endedAt ? "ended" : o.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
  return {
    id: o.id,
    accountId: o.accountId,
    kind: o.kind,
    entityLevel: o.entityLevel,
    entityId: o.entityId,
    channel: o.channel,
    value: o.value,
    justification: o.justification,
    createdBy: o.createdBy,
    createdAt: iso(o.createdAt) as string,
    expiresAt: iso(o.expiresAt) as string,
    endedAt: iso(o.endedAt),
    endedBy: o.endedBy,
    endReason: o.endReason,
    state,
  };
}

const impactSchema = z
  .object({
    perOverride: z.array(
      z.object({
        overrideId: z.number().int(),
        analyst: z.string(),
        kind: z.string(),
        metric: z.string(),
        actual: z.number(),
        counterfactual: z.number().describe("what the model says the optimizer would have achieved"),
        delta: z.number().describe("actual - counterfactual: positive when the override did better"),
      }),
    ),
    perAnalyst: z.array(
      z.object({
        analyst: z.string(),
        metric: z.string(),
        overrides: z.number().int(),
        actual: z.number(),
        counterfactual: z.number(),
        delta: z.number(),
        wins: z.number().int().describe("overrides that beat the counterfactual"),
      }),
    ),
  })
  .meta({ id: "OverrideImpact" });

/** Analysts' overrides: list, create with a justification and an expiry, end early, measured impact. */
export function overrideRoutes(features: FeatureDeps): RouteModule {
  const { governance } = features;
  return (app: ApiApp, deps: ApiDeps) => {
    const { store } = deps;

    app.get(
      "/overrides",
      {
        config: { action: "overrides.read" },
        schema: {
          tags: ["overrides"],
          summary: "Overrides of the workspace (active=true: only those in force now)",
          querystring: z
            .object({
              account: z.string().min(1).max(200).optional(),
              active: z.enum(["true", "false"]).optional(),
            })
            .strict(),
          response: { 200: z.object({ overrides: z.array(overrideSchema) }), ...commonErrorResponses },
        },
      },
      async (request) => {
        const { workspaceId } = principalOf(request);
        const { account, active } = request.query;
        if (account) await requireAccountAt(store, workspaceId, account, "query.account");
        const now = deps.clock();
        const list = await governance.overrides.list(actorOf(request), {
          accountId: account,
          activeAt: active === "true" ? now : undefined,
        });
        return { overrides: list.map((o) => overrideOut(o, now)) };
      },
    );

    app.post(
      "/overrides",
      {
        config: { action: "overrides.write" },
        schema: {
          tags: ["overrides"],
          summary: "Pin a budget or share, pause or forbid, with a justification and an expiry (analyst+)",
          body: createBody,
          response: {
            201: z.object({
              override: overrideSchema,
              proposal: proposalSchema
                .nullable()
                .describe("pin_budget and pause: the change another person approves"),
            }),
            ...commonErrorResponses,
          },
        },
      },
      async (request, reply) => {
        const { workspaceId } = principalOf(request);
        const body = request.body;
        await requireAccountAt(store, workspaceId, body.accountId, "body.accountId");
        const now = deps.clock();
        const expiresAt = new Date(body.expiresAt);
        if (expiresAt.getTime() <= now.getTime())
          throw badRequest(
            "validation_failed",
            `expiresAt ${body.expiresAt} is not in the future`,
            "body.expiresAt",
          );
        if (expiresAt.getTime() > now.getTime() + MAX_OVERRIDE_DAYS * 86_400_000)
          throw badRequest(
            "validation_failed",
            `overrides last at most ${MAX_OVERRIDE_DAYS} days (until ${new Date(now.getTime() + MAX_OVERRIDE_DAYS * 86_400_000).toISOString()}); renew it when it ends`,
            "body.expiresAt",
          );
        const result = await governance.overrides.add(actorOf(request), {
          accountId: body.accountId,
          kind: body.kind,
          entity: body.entity,
          channel: body.channel,
          value: body.value,
          justification: body.justification,
          expiresAt,
        });
        return reply.code(201).send({
          override: overrideOut(result.override, now),
          proposal: result.proposal ? proposalOut(result.proposal) : null,
        });
      },
    );

    app.post(
      "/overrides/:id/end",
      {
        config: { action: "overrides.write" },
        schema: {
          tags: ["overrides"],
          summary: "End an override before its expiry, saying why",
          params: idParams,
          body: z
            .object({ reason: z.string().trim().min(1, "say why the override ends").max(2000) })
            .strict(),
          response: { 200: z.object({ override: overrideSchema }), ...commonErrorResponses },
        },
      },
      async (request) => {
        const { id } = request.params;
        await requireOwned(store, "overrides", id, principalOf(request).workspaceId, "override");
        const ended = await governance.overrides.end(actorOf(request), id, request.body.reason);
        return { override: overrideOut(ended, deps.clock()) };
      },
    );

    app.get(
      "/overrides/impact",
      {
        config: { action: "overrides.read" },
        schema: {
          tags: ["overrides"],
          summary:
            "Measured impact of each override and per analyst: actual against the model's counterfactual",
          querystring: z.object({ account: z.string().min(1).max(200).optional() }).strict(),
          response: { 200: impactSchema, ...commonErrorResponses },
        },
      },
      async (request) => {
        const { account } = request.query;
        if (account)
          await requireAccountAt(store, principalOf(request).workspaceId, account, "query.account");
        return governance.overrides.impactReport(actorOf(request), account);
      },
    );
  };
}
