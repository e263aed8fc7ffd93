/** A CRM pipeline event: a deal moving to a stage (lead -> booked -> showed -> closed), linked to an ad by click ids or UTMs. */
export interface PipelineEvent {
  accountId: string | null;
  dealId: string;
  stage: string;
  valueMinor: number | null;
  currency: string | null;
  occurredAt: Date;
  clickIds: { gclid?: string; fbclid?: string; ttclid?: string; liFatId?: string };
  utm: { source?: string; medium?: string; campaign?: string; content?: string; term?: string };
  /** Resolved ad entity, or null when the deal cannot be mapped (counted for the mapping-error alert). */
  adId: string | null;
}
