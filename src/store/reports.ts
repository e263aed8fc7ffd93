import { currencyExponent } from "../domain/currency.js";
import { type DerivedRatios, derivedRatios, type PerformanceTotals } from "../domain/performance.js";
import type { Store } from "./engine.js";

export const REPORT_DIMENSIONS = ["channel", "campaign", "ad", "account", "platform"] as const;
export const REPORT_GRAINS = ["total", "day", "week", "month"] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];
export type ReportGrain = (typeof REPORT_GRAINS)[number];

export interface ReportQuery {
  by: ReportDimension;
  grain: ReportGrain;
  from?: string;
  to?: string;
  workspaceId?: string;
  accountId?: string;
  /** Convert every amount into this currency using `rates`. */
  currency?: string;
  /** Value of one unit of each currency in `currency` units, e.g. { EUR: 1.08 } when currency is USD. */
  rates?: Record<string, number>;
}

export interface ReportRow extends PerformanceTotals, DerivedRatios {
  period: string | null;
  key: string;
  label: string;
  currency: string;
}

export interface Report {
  rows: ReportRow[];
  total: ReportRow;
  currency: string;
}

export class MixedCurrencyError extends Error {
  constructor(readonly currencies: string[]) {
    super(
      `the selected data is in several currencies (${currencies.join(", ")}) and amounts in different currencies cannot be added. Report one account at a time with --account, or convert with --currency ${currencies[0]} --rates ${currencies
        .slice(1)
        .map((c) => `${c}=<value of 1 ${c} in ${currencies[0]}>`)
        .join(",")}`,
    );
    this.name = "MixedCurrencyError";
  }
}

const PERIOD_SQL: Record<ReportGrain, string> = {
  total: "NULL::text",
  day: "p.date::text",
  week: "date_trunc('week', p.date)::date::text",
  month: "date_trunc('month', p.date)::date::text",
};

const GROUP_SQL: Record<ReportDimension, { key: string; label: string }> = {
  channel: { key: "coalesce(c.channel, 'other')", label: "coalesce(c.channel, 'other')" },
  campaign: { key: "a.id || '/' || p.campaign_id", label: "coalesce(c.name, p.campaign_id)" },
  ad: {
    key: "a.id || '/' || p.campaign_id || '/' || p.adgroup_id || '/' || p.ad_id",
    label: "coalesce(d.name, nullif(p.ad_id, ''), nullif(p.adgroup_id, ''), p.campaign_id)",
  },
  account: { key: "a.id", label: "a.name || ' (' || a.platform || ')'" },
  platform: { key: "a.platform", label: "a.platform" },
};

interface RawRow extends PerformanceTotals {
  period: string | null;
  key: string;
  label: string;
  currency: string;
}

export async function performanceReport(store: Store, query: ReportQuery): Promise<Report> {
  const group = GROUP_SQL[query.by];
  const params: unknown[] = [query.workspaceId ?? "default"];
  const where = ["a.workspace_id = $1"];
  if (query.from) where.push(`p.date >= $${params.push(query.from)}`);
  if (query.to) where.push(`p.date <= $${params.push(query.to)}`);
  if (query.accountId)
    where.push(`(a.id = $${params.push(query.accountId)} OR a.external_id = $${params.length})`);
  const raw = await store.query<RawRow>(
    `SELECT ${PERIOD_SQL[query.grain]} AS period, ${group.key} AS key, max(${group.label}) AS label, a.currency,
            sum(p.impressions)::bigint AS impressions, sum(p.clicks)::bigint AS clicks,
            sum(p.cost_minor)::bigint AS "costMinor", sum(p.conversions)::float8 AS conversions,
            sum(p.revenue_minor)::bigint AS "revenueMinor"
     FROM performance_daily p
     JOIN ad_accounts a ON a.id = p.account_id
     LEFT JOIN campaigns c ON c.account_id = p.account_id AND c.external_id = p.campaign_id
     LEFT JOIN ads d ON d.account_id = p.account_id AND d.external_id = p.ad_id
     WHERE ${where.join(" AND ")}
     GROUP BY 1, 2, a.currency
     ORDER BY 1 NULLS FIRST, "costMinor" DESC, 2`,
    params,
  );
  const currencies = [...new Set(raw.map((r) => r.currency))].sort();
  const target = query.currency ?? currencies[0] ?? "USD";
  const convert = currencyConverter(currencies, target, query);
  const merged = new Map<string, ReportRow>();
  for (const r of raw) {
    const id = `${r.period ?? ""}\u0000${r.key}`;
    const existing = merged.get(id) ?? {
      ...emptyRow(r.period, r.key, r.label, target),
    };
    existing.impressions += r.impressions;
    existing.clicks += r.clicks;
    existing.conversions += r.conversions;
    existing.costMinor += convert(r.costMinor, r.currency);
    existing.revenueMinor += convert(r.revenueMinor, r.currency);
    merged.set(id, existing);
  }
  const rows = [...merged.values()].map(withRatios);
  const total = emptyRow(null, "total", "Total", target);
  for (const r of rows) {
    total.impressions += r.impressions;
    total.clicks += r.clicks;
    total.conversions += r.conversions;
    total.costMinor += r.costMinor;
    total.revenueMinor += r.revenueMinor;
  }
  return { rows, total: withRatios(total), currency: target };
}

function emptyRow(period: string | null, key: string, label: string, currency: string): ReportRow {
  return {
    period,
    key,
    label,
    currency,
    impressions: 0,
    clicks: 0,
    costMinor: 0,
    conversions: 0,
    revenueMinor: 0,
    ctr: null,
    cvr: null,
    cpcMinor: null,
    cacMinor: null,
    roas: null,
  };
}

function withRatios(row: ReportRow): ReportRow {
  return { ...row, ...derivedRatios(row) };
}

function currencyConverter(currencies: string[], target: string, query: ReportQuery) {
  const needsRates = currencies.some((c) => c !== target);
  if (needsRates && !query.rates) throw new MixedCurrencyError(currencies);
  for (const c of currencies) {
    if (c !== target && !(query.rates && query.rates[c] > 0)) {
      throw new Error(`no exchange rate for ${c}: add ${c}=<value of 1 ${c} in ${target}> to --rates`);
    }
  }
  return (minor: number, currency: string) => {
    if (currency === target) return minor;
    const major = minor / 10 ** currencyExponent(currency);
    return Math.round(major * (query.rates?.[currency] ?? 1) * 10 ** currencyExponent(target));
  };
}
