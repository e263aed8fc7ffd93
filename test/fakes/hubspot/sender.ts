// The HubSpot side of a webhook delivery (platform-apis.md §5): batches of events, serialised
// compactly, signed with v3 (and the legacy v1) the way HubSpot's SDKs compute them.
import { createHash, createHmac } from "node:crypto";

export interface DealStageEvent {
  eventId: number;
  dealId: number;
  stage: string;
  occurredAt: number;
  attemptNumber?: number;
  generic?: boolean;
}

export function dealStageEvents(events: DealStageEvent[], portalId = 62515): Record<string, unknown>[] {
  return events.map((e) => ({
    eventId: e.eventId,
    subscriptionId: 2245,
    portalId,
    appId: 54321,
    occurredAt: e.occurredAt,
    subscriptionType: e.generic ? "object.propertyChange" : "deal.propertyChange",
    ...(e.generic ? { objectTypeId: "0-3" } : {}),
    attemptNumber: e.attemptNumber ?? 0,
    objectId: e.dealId,
    propertyName: "dealstage",
    propertyValue: e.stage,
    changeSource: "CRM_UI",
    sourceId: "userId:1234567",
  }));
}

export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

export function signedDelivery(options: {
  events: unknown[];
  clientSecret: string;
  uri: string;
  timestamp: number;
  method?: string;
}): Delivery {
  const body = JSON.stringify(options.events);
  const timestamp = String(options.timestamp);
  const v3 = createHmac("sha256", options.clientSecret)
    .update(`${options.method ?? "POST"}${options.uri}${body}${timestamp}`)
    .digest("base64");
  const v1 = createHash("sha256").update(`${options.clientSecret}${body}`).digest("hex");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-hubspot-signature-v3": v3,
      "x-hubspot-request-timestamp": timestamp,
      "x-hubspot-signature": v1,
      "x-hubspot-signature-version": "v1",
    },
  };
}
