import { z } from "zod";
import { recordDealLink, webhookCounters } from "../../connectors/hubspot/index.js";
import { decimalToMinor } from "../../domain/money.js";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { badRequest, commonErrorResponses, notFound } from "../errors.js";

const id = z.string().trim().min(1).max(200);

const dealLinkBody = z
  .object({
    source: z.string().trim().min(1).max(40).default("hubspot").describe("the CRM the deal ids come from"),
    dealId: id.describe("the CRM's deal id, as its webhooks will name it"),
    accountId: id.optional().describe("the ad account the lead came from, when known"),
    adId: id.optional().describe("the platform's ad id, when known (else utm.content is tried)"),
    clickIds: z
      .object({ gclid: id, fbclid: id, ttclid: id, liFatId: id })
      .partial()
      .strict()
      .default({})
      .describe("click ids captured with the lead"),
    utm: z
      .object({ source: id, medium: id, campaign: id, content: id, term: id })
      .partial()
      .strict()
      .default({})
      .describe("UTM parameters captured with the lead; utm.content naming an ad id maps the deal to it"),
    value: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'a decimal amount in major units, e.g. "7000.00"')
      .optional()
      .describe("the deal's expected value"),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD or AED")
      .optional(),
  })
  .strict()
  .refine((l) => (l.value === undefined) === (l.currency === undefined), {
    message: "value and currency go together: give both or neither",
    path: ["currency"],
  });

const putBody = z.object({ links: z.array(dealLinkBody).min(1).max(1000) }).strict();

/**
 * What the lead capture knew about each CRM deal (click ids, UTMs, the ad), so that the deal-stage
 * webhook can credit pipeline events to ads; and the webhook's counters (the mapping check reads them).
 */
export function crmRoutes(app: ApiApp, deps: ApiDeps): void {
  app.put(
    "/crm/deal-links",
    {
      config: { action: "crm.write" },
      schema: {
        tags: ["crm"],
        summary: "Record or update what is known about deals (up to 1,000; all or nothing)",
        body: putBody,
        response: { 200: z.object({ stored: z.number().int() }), ...commonErrorResponses },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const { links } = request.body;
      const accountIds = [...new Set(links.flatMap((l) => (l.accountId ? [l.accountId] : [])))];
      const known = new Set(
        (
          await deps.store.query<{ id: string }>(
            "SELECT id FROM ad_accounts WHERE workspace_id = $1 AND id = ANY($2::text[])",
            [workspaceId, accountIds],
          )
        ).map((r) => r.id),
      );
      const rows = links.map((link, i) => {
        if (link.accountId && !known.has(link.accountId)) {
          throw notFound(
            `there is no account "${link.accountId}" in this workspace; GET /accounts lists the ids`,
            `body.links.${i}.accountId`,
          );
        }
        const valueMinor =
          link.value !== undefined && link.currency ? decimalToMinor(link.value, link.currency) : undefined;
        if (link.value !== undefined && valueMinor === undefined) {
          throw badRequest(
            "validation_failed",
            `"${link.value}" is not an amount in ${link.currency}`,
            `body.links.${i}.value`,
          );
        }
        return { ...link, workspaceId, valueMinor: valueMinor ?? null, currency: link.currency ?? null };
      });
      await deps.store.transaction(async (tx) => {
        for (const row of rows) await recordDealLink(tx, row);
      });
      return { stored: rows.length };
    },
  );

  app.get(
    "/crm/stats",
    {
      config: { action: "crm.read" },
      schema: {
        tags: ["crm"],
        summary: "Deal links stored and the deal-stage webhook's counters (received, mapped, unmapped...)",
        querystring: z.object({ source: z.string().trim().min(1).max(40).default("hubspot") }).strict(),
        response: {
          200: z.object({
            source: z.string(),
            dealLinks: z.number().int(),
            counters: z.record(z.string(), z.number()),
          }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const { source } = request.query;
      const [count] = await deps.store.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM crm_deal_links WHERE workspace_id = $1 AND source = $2",
        [workspaceId, source],
      );
      return {
        source,
        dealLinks: Number(count?.n ?? 0),
        counters: await webhookCounters(deps.store, source, workspaceId),
      };
    },
  );
}
