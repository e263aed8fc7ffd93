import type { Store } from "../../store/index.js";
import type { OfflineConversion } from "./types.js";

export interface PipelineConversionQuery {
  /** The stage that counts as a conversion ("closedwon"). */
  stage: string;
  since: Date;
  until?: Date;
  /**
   * The value to report, in minor units. Default: the deal value. For value-based bidding pass the
   * model's predicted value (e.g. expected deal value at an earlier stage).
   */
  valueFor?: (event: { dealId: string; stage: string; valueMinor: number | null }) => number | null;
  defaultCurrency?: string;
}

/** Pipeline events of one stage as offline conversions carrying their click ids. */
export async function pipelineConversions(
  store: Store,
  query: PipelineConversionQuery,
): Promise<OfflineConversion[]> {
  const rows = await store.query<{
    deal_id: string;
    stage: string;
    value_minor: number | null;
    currency: string | null;
    occurred_at: Date;
    click_ids: Record<string, string>;
  }>(
    `SELECT deal_id, stage, value_minor, currency, occurred_at, click_ids FROM pipeline_events
     WHERE stage = $1 AND occurred_at >= $2 AND occurred_at < $3 ORDER BY occurred_at`,
    [query.stage, query.since, query.until ?? new Date("9999-12-31T00:00:00Z")],
  );
  const out: OfflineConversion[] = [];
  for (const r of rows) {
    const valueMinor = query.valueFor
      ? query.valueFor({
          dealId: r.deal_id,
          stage: r.stage,
          valueMinor: r.value_minor === null ? null : Number(r.value_minor),
        })
      : r.value_minor === null
        ? null
        : Number(r.value_minor);
    if (valueMinor === null) continue;
    const ids = r.click_ids ?? {};
    out.push({
      transactionId: `deal-${r.deal_id}:${r.stage}`,
      occurredAt: new Date(r.occurred_at),
      valueMinor,
      currency: r.currency?.trim() || query.defaultCurrency || "USD",
      gclid: ids.gclid,
      fbclid: ids.fbclid,
    });
  }
  return out;
}
