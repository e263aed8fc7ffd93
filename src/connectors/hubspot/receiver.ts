import type { Store } from "../../store/index.js";
import { bumpCounter, resolveDeal } from "./deal-links.js";
import { eventKey, type HubSpotEvent, hubspotBatchSchema, isDealStageChange } from "./events.js";
import { verifySignatureV3 } from "./signature.js";

export interface HubSpotReceiverOptions {
  store: Store;
  /** The HubSpot app's client secret (signs every delivery). */
  clientSecret: string;
  workspaceId?: string;
  now?: () => number;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface WebhookRequest {
  method: string;
  /** Full URL as HubSpot called it (https://host/webhooks/hubspot?...). */
  uri: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

const SOURCE = "hubspot";

const headerOf = (headers: WebhookRequest["headers"], name: string) => {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * POST /webhooks/hubspot as a plain function: v3 signature with the 5-minute replay window, then
 * each deal-stage change becomes a pipeline event linked to the click ids / UTMs stored for the deal.
 * Duplicated deliveries are recognised by event id; deals that cannot be mapped to an ad are stored
 * with ad_id NULL and counted (the "wrong deal ID mapping" alert reads that count). One transaction.
 */
export async function handleHubSpotWebhook(
  options: HubSpotReceiverOptions,
  request: WebhookRequest,
): Promise<WebhookResponse> {
  const workspaceId = options.workspaceId ?? "default";
  const now = (options.now ?? Date.now)();
  const check = verifySignatureV3(
    options.clientSecret,
    {
      method: request.method,
      uri: request.uri,
      body: request.rawBody,
      timestamp: headerOf(request.headers, "x-hubspot-request-timestamp") ?? "",
    },
    headerOf(request.headers, "x-hubspot-signature-v3"),
    now,
  );
  if (!check.ok) {
    await bumpCounter(
      options.store,
      SOURCE,
      workspaceId,
      check.reason === "stale" ? "rejected_stale" : "rejected_signature",
    );
    options.log?.warn({ reason: check.reason }, "hubspot webhook rejected");
    return { status: 401, body: { error: `invalid signature (${check.reason})` } };
  }
  let events: HubSpotEvent[];
  try {
    events = hubspotBatchSchema.parse(JSON.parse(request.rawBody));
  } catch (error) {
    await bumpCounter(options.store, SOURCE, workspaceId, "invalid_body");
    return {
      status: 400,
      body: { error: `body is not a HubSpot event array: ${(error as Error).message.slice(0, 300)}` },
    };
  }
  const tally = { received: events.length, duplicates: 0, mapped: 0, unmapped: 0, ignored: 0 };
  await options.store.transaction(async (s) => {
    for (const e of [...events].sort((a, b) => a.occurredAt - b.occurredAt)) {
      const fresh = await s.query(
        `INSERT INTO webhook_receipts (source, event_key, payload) VALUES ($1, $2, $3)
         ON CONFLICT (source, event_key) DO NOTHING RETURNING event_key`,
        [SOURCE, eventKey(e), JSON.stringify(e)],
      );
      if (fresh.length === 0) {
        tally.duplicates++;
        continue;
      }
      if (!isDealStageChange(e)) {
        tally.ignored++;
        continue;
      }
      const dealId = String(e.objectId);
      const deal = await resolveDeal(s, workspaceId, SOURCE, dealId);
      const inserted = await s.query(
        `INSERT INTO pipeline_events (account_id, deal_id, stage, value_minor, currency, occurred_at, click_ids, utm, ad_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (deal_id, stage, occurred_at) DO NOTHING RETURNING id`,
        [
          deal.accountId,
          dealId,
          e.propertyValue,
          deal.valueMinor,
          deal.currency,
          new Date(e.occurredAt),
          JSON.stringify(deal.clickIds),
          JSON.stringify(deal.utm),
          deal.adId,
        ],
      );
      if (inserted.length === 0) tally.duplicates++;
      else if (deal.adId) tally.mapped++;
      else tally.unmapped++;
    }
    for (const [counter, by] of Object.entries(tally)) await bumpCounter(s, SOURCE, workspaceId, counter, by);
  });
  options.log?.info(tally, "hubspot webhook processed");
  return { status: 200, body: tally };
}
