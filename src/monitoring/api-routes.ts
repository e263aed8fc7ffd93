import { z } from "zod";
import { principalOf } from "../api/auth/principal.js";
import type { ApiApp, ApiDeps } from "../api/deps.js";
import { ApiError, badRequest, commonErrorResponses, notFound } from "../api/errors.js";
import {
  AlertNotFoundError,
  AlertStateError,
  acknowledgeAlert,
  listAlerts,
  resolveAlertManually,
  silenceAlert,
} from "./alerts/actions.js";
import type { Alert } from "./alerts/types.js";
import { latestCheckResults } from "./run-pass.js";

const alertSchema = z
  .object({
    id: z.number(),
    accountId: z.string().nullable(),
    check: z.string(),
    cause: z.string(),
    severity: z.enum(["info", "warning", "critical"]),
    status: z.enum(["open", "acknowledged", "resolved"]),
    title: z.string(),
    evidence: z.record(z.string(), z.unknown()),
    suggestedAction: z.string(),
    links: z.array(z.object({ label: z.string(), href: z.string() })),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    occurrences: z.number(),
    acknowledgedBy: z.string().nullable(),
    silencedUntil: z.string().nullable(),
    escalationLevel: z.number(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
  })
  .meta({ id: "Alert" });

const idParams = z.object({ id: z.coerce.number().int().positive() });
const commentBody = z.object({ comment: z.string().max(2000).optional() }).strict();
const silenceBody = z
  .object({
    minutes: z
      .number()
      .int()
      .positive()
      .max(60 * 24 * 30)
      .optional(),
    until: z.iso.datetime().optional(),
    comment: z.string().max(2000).optional(),
  })
  .strict();

function view(a: Alert): z.infer<typeof alertSchema> {
  return {
    id: a.id,
    accountId: a.accountId,
    check: a.check,
    cause: a.cause,
    severity: a.severity,
    status: a.status,
    title: a.title,
    evidence: a.evidence,
    suggestedAction: a.suggestedAction,
    links: a.links,
    firstSeenAt: a.firstSeenAt.toISOString(),
    lastSeenAt: a.lastSeenAt.toISOString(),
    occurrences: a.occurrences,
    acknowledgedBy: a.acknowledgedBy,
    silencedUntil: a.silencedUntil?.toISOString() ?? null,
    escalationLevel: a.escalationLevel,
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
    resolvedBy: a.resolvedBy,
  };
}

function mapErrors(error: unknown): never {
  if (error instanceof AlertNotFoundError) throw notFound(error.message, "params.id");
  if (error instanceof AlertStateError) throw new ApiError(409, "conflict", error.message);
  throw error;
}

/** Alerts and check status: GET /alerts, POST /alerts/:id/ack|silence|resolve, GET /health/checks. */
export function alertRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    "/alerts",
    {
      config: { action: "alerts.read" },
      schema: {
        tags: ["alerts"],
        summary: "Alerts of the workspace (default: open and acknowledged), most severe first",
        querystring: z
          .object({
            status: z.enum(["active", "open", "acknowledged", "resolved", "all"]).default("active"),
            accountId: z.string().optional(),
            severity: z.enum(["info", "warning", "critical"]).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
          })
          .strict(),
        response: { 200: z.object({ alerts: z.array(alertSchema) }), ...commonErrorResponses },
      },
    },
    async (request) => {
      const { workspaceId } = principalOf(request);
      const alerts = await listAlerts(deps.store, { workspaceId, ...request.query });
      return { alerts: alerts.map(view) };
    },
  );

  const ctx = (request: Parameters<typeof principalOf>[0]) => {
    const p = principalOf(request);
    return {
      store: deps.store,
      bus: deps.events,
      workspaceId: p.workspaceId,
      actor: `key:${p.name}`,
      now: deps.clock(),
    };
  };

  app.post(
    "/alerts/:id/ack",
    {
      config: { action: "alerts.write" },
      schema: {
        tags: ["alerts"],
        summary: "Acknowledge an alert (stops escalation)",
        params: idParams,
        body: commentBody.optional(),
        response: { 200: alertSchema, ...commonErrorResponses },
      },
    },
    async (request) =>
      view(await acknowledgeAlert(ctx(request), request.params.id, request.body?.comment).catch(mapErrors)),
  );

  app.post(
    "/alerts/:id/silence",
    {
      config: { action: "alerts.write" },
      schema: {
        tags: ["alerts"],
        summary: "Silence an alert until a time (no notifications, no escalation)",
        params: idParams,
        body: silenceBody,
        response: { 200: alertSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const c = ctx(request);
      const { minutes, until, comment } = request.body;
      if ((minutes === undefined) === (until === undefined))
        throw badRequest(
          "validation_failed",
          "give exactly one of minutes (e.g. 60) or until (ISO date-time)",
          "body.minutes",
        );
      const end = until ? new Date(until) : new Date(c.now.getTime() + minutes! * 60_000);
      if (end.getTime() <= c.now.getTime())
        throw badRequest(
          "validation_failed",
          `until must be in the future (now ${c.now.toISOString()})`,
          "body.until",
        );
      return view(await silenceAlert(c, request.params.id, end, comment).catch(mapErrors));
    },
  );

  app.post(
    "/alerts/:id/resolve",
    {
      config: { action: "alerts.write" },
      schema: {
        tags: ["alerts"],
        summary: "Resolve an alert by hand (it reopens if the check still fails)",
        params: idParams,
        body: commentBody.optional(),
        response: { 200: alertSchema, ...commonErrorResponses },
      },
    },
    async (request) =>
      view(
        await resolveAlertManually(ctx(request), request.params.id, request.body?.comment).catch(mapErrors),
      ),
  );

  app.get(
    "/health/checks",
    {
      config: { action: "alerts.read" },
      schema: {
        tags: ["alerts"],
        summary: "The latest outcome of every monitoring check per account",
        response: {
          200: z.object({
            checks: z.array(
              z.object({
                accountId: z.string(),
                check: z.string(),
                status: z.enum(["ok", "fail", "skipped"]),
                summary: z.string(),
                metrics: z.record(z.string(), z.number().nullable()),
                checkedAt: z.string(),
              }),
            ),
          }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const rows = await latestCheckResults(deps.store, principalOf(request).workspaceId);
      return { checks: rows.map((r) => ({ ...r, checkedAt: new Date(r.checkedAt).toISOString() })) };
    },
  );
}
