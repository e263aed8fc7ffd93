import { z } from "zod";

/** One webhook event: legacy `deal.propertyChange` or generic `object.propertyChange` with objectTypeId. */
export const hubspotEventSchema = z.looseObject({
  eventId: z.union([z.number(), z.string()]),
  subscriptionId: z.union([z.number(), z.string()]).optional(),
  portalId: z.union([z.number(), z.string()]),
  occurredAt: z.number(),
  subscriptionType: z.string(),
  objectId: z.union([z.number(), z.string()]),
  objectTypeId: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  attemptNumber: z.number().optional(),
});
export const hubspotBatchSchema = z.array(hubspotEventSchema).max(1000);
export type HubSpotEvent = z.infer<typeof hubspotEventSchema>;

export function isDealStageChange(e: HubSpotEvent): boolean {
  const deal =
    e.subscriptionType === "deal.propertyChange" ||
    (e.subscriptionType === "object.propertyChange" && e.objectTypeId === "0-3");
  return (
    deal && e.propertyName === "dealstage" && typeof e.propertyValue === "string" && e.propertyValue !== ""
  );
}

export function eventKey(e: HubSpotEvent): string {
  return `${e.portalId}:${e.subscriptionId ?? "-"}:${e.eventId}`;
}
