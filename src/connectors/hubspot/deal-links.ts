import type { PipelineEvent } from "../../domain/crm.js";
import type { Store } from "../../store/index.js";
import type { SqlSession } from "../../store/session.js";

/** What was captured with the lead that became a deal: click ids, UTMs, and the ad when known. */
export interface DealLink {
  workspaceId?: string;
  source?: string;
  dealId: string;
  accountId?: string | null;
  adId?: string | null;
  clickIds?: PipelineEvent["clickIds"];
  utm?: PipelineEvent["utm"];
  valueMinor?: number | null;
  currency?: string | null;
}

export async function recordDealLink(store: Store | SqlSession, link: DealLink): Promise<void> {
  await store.query(
    `INSERT INTO crm_deal_links (workspace_id, source, deal_id, account_id, ad_id, click_ids, utm, value_minor, currency)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (workspace_id, source, deal_id) DO UPDATE SET account_id = COALESCE(EXCLUDED.account_id, crm_deal_links.account_id),
       ad_id = COALESCE(EXCLUDED.ad_id, crm_deal_links.ad_id), click_ids = crm_deal_links.click_ids || EXCLUDED.click_ids,
       utm = crm_deal_links.utm || EXCLUDED.utm, value_minor = COALESCE(EXCLUDED.value_minor, crm_deal_links.value_minor),
       currency = COALESCE(EXCLUDED.currency, crm_deal_links.currency), updated_at = now()`,
    [
      link.workspaceId ?? "default",
      link.source ?? "hubspot",
      link.dealId,
      link.accountId ?? null,
      link.adId ?? null,
      JSON.stringify(link.clickIds ?? {}),
      JSON.stringify(link.utm ?? {}),
      link.valueMinor ?? null,
      link.currency ?? null,
    ],
  );
}

export interface ResolvedDeal {
  accountId: string | null;
  adId: string | null;
  clickIds: Record<string, string>;
  utm: Record<string, string>;
  valueMinor: number | null;
  currency: string | null;
}

/**
 * The ad behind a deal: the stored ad id, else utm_content naming an ad we know (the usual
 * {{ad.id}} / {ad_id} URL template), else none — the deal is unmapped (still kept and counted).
 */
export async function resolveDeal(
  s: SqlSession,
  workspaceId: string,
  source: string,
  dealId: string,
): Promise<ResolvedDeal> {
  const [link] = await s.query<{
    account_id: string | null;
    ad_id: string | null;
    click_ids: Record<string, string>;
    utm: Record<string, string>;
    value_minor: number | null;
    currency: string | null;
  }>(
    "SELECT account_id, ad_id, click_ids, utm, value_minor, currency FROM crm_deal_links WHERE workspace_id = $1 AND source = $2 AND deal_id = $3",
    [workspaceId, source, dealId],
  );
  if (!link) return { accountId: null, adId: null, clickIds: {}, utm: {}, valueMinor: null, currency: null };
  let accountId = link.account_id;
  let adId = link.ad_id;
  const content = link.utm?.content;
  if (!adId && content) {
    const [ad] = await s.query<{ account_id: string; external_id: string }>(
      `SELECT d.account_id, d.external_id FROM ads d JOIN ad_accounts a ON a.id = d.account_id
       WHERE a.workspace_id = $1 AND d.external_id = $2 AND ($3::text IS NULL OR d.account_id = $3) LIMIT 1`,
      [workspaceId, content, accountId],
    );
    if (ad) {
      adId = ad.external_id;
      accountId = ad.account_id;
    }
  }
  return {
    accountId,
    adId,
    clickIds: link.click_ids ?? {},
    utm: link.utm ?? {},
    valueMinor: link.value_minor === null ? null : Number(link.value_minor),
    currency: link.currency ? link.currency.trim() : null,
  };
}

export async function bumpCounter(
  s: Store | SqlSession,
  source: string,
  workspaceId: string,
  counter: string,
  by = 1,
): Promise<void> {
  if (by === 0) return;
  await s.query(
    `INSERT INTO webhook_counters (source, workspace_id, counter, value) VALUES ($1, $2, $3, $4)
     ON CONFLICT (source, workspace_id, counter) DO UPDATE SET value = webhook_counters.value + EXCLUDED.value, updated_at = now()`,
    [source, workspaceId, counter, by],
  );
}

/** received, duplicates, mapped, unmapped, ignored, rejected_signature, rejected_stale, invalid_body. */
export async function webhookCounters(
  store: Store,
  source = "hubspot",
  workspaceId = "default",
): Promise<Record<string, number>> {
  const rows = await store.query<{ counter: string; value: number }>(
    "SELECT counter, value FROM webhook_counters WHERE source = $1 AND workspace_id = $2",
    [source, workspaceId],
  );
  return Object.fromEntries(rows.map((r) => [r.counter, Number(r.value)]));
}
