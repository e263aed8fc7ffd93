import type { StandardRow } from "../../connectors/csv/types.js";
import { DEFAULT_CHANNEL_BY_PLATFORM } from "../../domain/platform.js";
import type { SqlSession } from "../session.js";

interface Campaign {
  acct: number;
  id: string;
  name: string | null;
  channel: string;
}
interface AdGroup {
  acct: number;
  id: string;
  campaignId: string;
  name: string | null;
}
interface Ad {
  acct: number;
  id: string;
  adGroupId: string;
  campaignId: string;
  name: string | null;
}

/** The larger of two optional texts, like SQL max() (nulls ignored). */
function max(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}

/**
 * The campaigns, ad groups and ads named by one batch of rows, collected while the rows are read (a
 * few map look-ups per row are cheaper here than grouping every staged row again in the database),
 * then upserted with one statement per level. Names are taken as SQL's max() over the batch would.
 */
interface AccountEntities {
  campaigns: Map<string, Campaign>;
  adGroups: Map<string, AdGroup>;
  ads: Map<string, Ad>;
}

export class EntityBatch {
  /** By account number, then external id: nested maps spare building a composite key per row. */
  private readonly byAccount = new Map<number, AccountEntities>();
  private lastAcct = -1;
  private last: AccountEntities | undefined;

  private entitiesOf(acct: number): AccountEntities {
    if (acct === this.lastAcct && this.last !== undefined) return this.last;
    let entities = this.byAccount.get(acct);
    if (entities === undefined) {
      entities = { campaigns: new Map(), adGroups: new Map(), ads: new Map() };
      this.byAccount.set(acct, entities);
    }
    this.lastAcct = acct;
    this.last = entities;
    return entities;
  }

  add(r: StandardRow, acct: number): void {
    const { campaigns, adGroups, ads } = this.entitiesOf(acct);
    const campaign = campaigns.get(r.campaignId);
    if (campaign === undefined) {
      const channel = DEFAULT_CHANNEL_BY_PLATFORM[r.platform] ?? "other";
      campaigns.set(r.campaignId, { acct, id: r.campaignId, name: r.campaignName, channel });
    } else if (r.campaignName !== null) {
      campaign.name = max(campaign.name, r.campaignName);
    }
    if (r.adGroupId !== "") {
      const group = adGroups.get(r.adGroupId);
      if (group === undefined) {
        adGroups.set(r.adGroupId, { acct, id: r.adGroupId, campaignId: r.campaignId, name: r.adGroupName });
      } else {
        if (r.campaignId > group.campaignId) group.campaignId = r.campaignId;
        group.name = max(group.name, r.adGroupName);
      }
    }
    if (r.adId !== "") {
      const ad = ads.get(r.adId);
      if (ad === undefined) {
        ads.set(r.adId, {
          acct,
          id: r.adId,
          adGroupId: r.adGroupId,
          campaignId: r.campaignId,
          name: r.adName,
        });
      } else {
        if (r.adGroupId > ad.adGroupId) ad.adGroupId = r.adGroupId;
        if (r.campaignId > ad.campaignId) ad.campaignId = r.campaignId;
        ad.name = max(ad.name, r.adName);
      }
    }
  }

  /** Upserts what was collected (accounts must be in `import_accounts`). */
  async flush(s: SqlSession): Promise<void> {
    const campaigns: Campaign[] = [];
    const adGroups: AdGroup[] = [];
    const ads: Ad[] = [];
    for (const entities of this.byAccount.values()) {
      for (const c of entities.campaigns.values()) campaigns.push(c);
      for (const g of entities.adGroups.values()) adGroups.push(g);
      for (const d of entities.ads.values()) ads.push(d);
    }
    if (campaigns.length === 0) return;
    // One statement (data-modifying CTEs always run to completion), so one round trip per batch.
    await s.query(
      `WITH accounts AS (SELECT acct, id FROM import_accounts),
       new_campaigns AS (
         INSERT INTO campaigns AS c (account_id, external_id, name, channel)
         SELECT a.id, f.id, f.name, f.channel
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS f(acct, id, name, channel)
         JOIN accounts a ON a.acct = f.acct
         ON CONFLICT (account_id, external_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, c.name)
         WHERE EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM c.name
       ),
       new_ad_groups AS (
         INSERT INTO ad_groups AS g (account_id, external_id, campaign_external_id, name)
         SELECT a.id, f.id, f.campaign_id, f.name
         FROM unnest($5::int[], $6::text[], $7::text[], $8::text[]) AS f(acct, id, campaign_id, name)
         JOIN accounts a ON a.acct = f.acct
         ON CONFLICT (account_id, external_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, g.name)
         WHERE EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM g.name
       )
       INSERT INTO ads AS d (account_id, external_id, ad_group_external_id, campaign_external_id, name)
       SELECT a.id, f.id, f.adgroup_id, f.campaign_id, f.name
       FROM unnest($9::int[], $10::text[], $11::text[], $12::text[], $13::text[]) AS f(acct, id, adgroup_id, campaign_id, name)
       JOIN accounts a ON a.acct = f.acct
       ON CONFLICT (account_id, external_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, d.name)
       WHERE EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM d.name`,
      [
        campaigns.map((c) => c.acct),
        campaigns.map((c) => c.id),
        campaigns.map((c) => c.name),
        campaigns.map((c) => c.channel),
        adGroups.map((g) => g.acct),
        adGroups.map((g) => g.id),
        adGroups.map((g) => g.campaignId),
        adGroups.map((g) => g.name),
        ads.map((d) => d.acct),
        ads.map((d) => d.id),
        ads.map((d) => d.adGroupId),
        ads.map((d) => d.campaignId),
        ads.map((d) => d.name),
      ],
    );
  }
}
