// The data every platform fake serves, in neutral units (integer minor units of the account
// currency, local dates and hours). Each fake renders it in its own platform's units and shapes, so a
// test can check that micros, cents and decimal strings all land as the same minor units.
import { datesBetween } from "./http.js";

export type FakeStatus = "active" | "paused" | "removed";

export interface FakeCampaign {
  id: string;
  name: string;
  status: FakeStatus;
  dailyBudgetMinor: number | null;
  channel: string;
}

export interface FakeAdGroup {
  id: string;
  campaignId: string;
  name: string;
  status: FakeStatus;
  dailyBudgetMinor: number | null;
  bidMinor: number | null;
}

export interface FakeAd {
  id: string;
  adGroupId: string;
  name: string;
  status: FakeStatus;
}

export interface FakeMetric {
  adId: string;
  date: string;
  hour: number;
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
}

export interface FakeAccount {
  id: string;
  name: string;
  currency: string;
  timeZone: string;
  campaigns: FakeCampaign[];
  adGroups: FakeAdGroup[];
  ads: FakeAd[];
  metrics: FakeMetric[];
}

export interface WorldOptions {
  id: string;
  currency?: string;
  timeZone?: string;
  from: string;
  to: string;
  campaigns?: number;
  seed?: number;
  /** Id prefix for campaigns, ad groups and ads (platform-like ids: numeric strings). */
  idBase?: string;
  /** Hours of the day with traffic (fewer hours keep tests small). */
  hours?: number[];
}

/** A small deterministic account: N campaigns x 2 ad groups x 2 ads with hourly metrics. */
export function fakeAccount(options: WorldOptions): FakeAccount {
  let state = (options.seed ?? 7) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const base = options.idBase ?? "1790000000";
  const account: FakeAccount = {
    id: options.id,
    name: `Account ${options.id}`,
    currency: options.currency ?? "USD",
    timeZone: options.timeZone ?? "America/New_York",
    campaigns: [],
    adGroups: [],
    ads: [],
    metrics: [],
  };
  const hours = options.hours ?? [9, 13, 20];
  for (let c = 1; c <= (options.campaigns ?? 2); c++) {
    const campaignId = `${base}${c}`;
    account.campaigns.push({
      id: campaignId,
      name: `Campaign ${c}`,
      status: "active",
      dailyBudgetMinor: 5000 * c,
      channel: "search",
    });
    for (let g = 1; g <= 2; g++) {
      const groupId = `${campaignId}0${g}`;
      account.adGroups.push({
        id: groupId,
        campaignId,
        name: `Group ${c}.${g}`,
        status: "active",
        dailyBudgetMinor: 2000 * g,
        bidMinor: 120,
      });
      for (let a = 1; a <= 2; a++) {
        const adId = `${groupId}0${a}`;
        account.ads.push({ id: adId, adGroupId: groupId, name: `Ad ${c}.${g}.${a}`, status: "active" });
        for (const date of datesBetween(options.from, options.to)) {
          for (const hour of hours) {
            const impressions = 100 + Math.floor(next() * 900);
            const clicks = Math.floor(impressions * (0.01 + next() * 0.05));
            const conversions = Math.floor(clicks * next() * 0.2);
            account.metrics.push({
              adId,
              date,
              hour,
              impressions,
              clicks,
              costMinor: clicks * (40 + Math.floor(next() * 80)),
              conversions,
              revenueMinor: conversions * 4000,
            });
          }
        }
      }
    }
  }
  return account;
}

export interface MetricTotals {
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
}

export type FakeLevel = "campaign" | "ad_group" | "ad";

/** Sums metrics by entity at `level`, by date (and hour when `hourly`), within [from, to]. */
export function aggregate(
  account: FakeAccount,
  level: FakeLevel,
  from: string,
  to: string,
  hourly: boolean,
): { entityId: string; date: string; hour: number; totals: MetricTotals }[] {
  const groupOf = new Map(account.ads.map((a) => [a.id, a.adGroupId]));
  const campaignOf = new Map(account.adGroups.map((g) => [g.id, g.campaignId]));
  const out = new Map<string, { entityId: string; date: string; hour: number; totals: MetricTotals }>();
  for (const m of account.metrics) {
    if (m.date < from || m.date > to) continue;
    const group = groupOf.get(m.adId)!;
    const entityId = level === "ad" ? m.adId : level === "ad_group" ? group : campaignOf.get(group)!;
    const hour = hourly ? m.hour : -1;
    const key = `${entityId}|${m.date}|${hour}`;
    let row = out.get(key);
    if (!row) {
      row = {
        entityId,
        date: m.date,
        hour,
        totals: { impressions: 0, clicks: 0, costMinor: 0, conversions: 0, revenueMinor: 0 },
      };
      out.set(key, row);
    }
    row.totals.impressions += m.impressions;
    row.totals.clicks += m.clicks;
    row.totals.costMinor += m.costMinor;
    row.totals.conversions += m.conversions;
    row.totals.revenueMinor += m.revenueMinor;
  }
  return [...out.values()].sort((a, b) =>
    a.date === b.date
      ? a.hour === b.hour
        ? a.entityId.localeCompare(b.entityId)
        : a.hour - b.hour
      : a.date.localeCompare(b.date),
  );
}

export function campaignOfGroup(account: FakeAccount, groupId: string): string {
  return account.adGroups.find((g) => g.id === groupId)?.campaignId ?? "";
}
