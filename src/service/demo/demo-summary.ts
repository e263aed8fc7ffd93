import { minorToMajor } from "../../domain/money.js";
import type { Store } from "../../store/index.js";

export interface DemoDaySummary {
  day: number;
  date: string;
  spendMinor: number;
  conversions: number;
  revenueMinor: number;
  cacMinor: number | null;
  roas: number | null;
  shares: Record<string, number>;
  percentOfOracle: number | null;
  proposalsApplied: number;
}

/**
 * The demo's one-line-per-day picture: what the platform reported over the 7 days up to `date` (a
 * trailing week, because a single day's conversions are few and still arriving), today's budget split,
 * and the lab's % of oracle.
 */
export async function summariseDay(
  store: Store,
  accountId: string,
  date: string,
  day: number,
  percentOfOracle: number | null,
): Promise<DemoDaySummary> {
  const [perf] = await store.query<{ spend: number; conv: number; rev: number }>(
    `SELECT coalesce(sum(cost_minor), 0)::bigint AS spend, coalesce(sum(conversions), 0)::float8 AS conv,
            coalesce(sum(revenue_minor), 0)::bigint AS rev
     FROM performance_daily WHERE account_id = $1 AND date > $2::date - 7 AND date <= $2::date`,
    [accountId, date],
  );
  const budgets = await store.query<{ channel: string; budget: number }>(
    `SELECT channel, sum(daily_budget_minor)::bigint AS budget FROM campaigns
     WHERE account_id = $1 AND status = 'active' GROUP BY channel ORDER BY channel`,
    [accountId],
  );
  const total = budgets.reduce((sum, b) => sum + b.budget, 0);
  const [applied] = await store.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM proposals WHERE account_id = $1 AND status = 'applied'",
    [accountId],
  );
  return {
    day,
    date,
    spendMinor: perf.spend,
    conversions: perf.conv,
    revenueMinor: perf.rev,
    cacMinor: perf.conv > 0 ? perf.spend / perf.conv : null,
    roas: perf.spend > 0 ? perf.rev / perf.spend : null,
    shares: Object.fromEntries(budgets.map((b) => [b.channel, total > 0 ? b.budget / total : 0])),
    percentOfOracle,
    proposalsApplied: applied.n,
  };
}

export function formatDaySummary(s: DemoDaySummary, currency: string): string {
  const money = (minor: number) =>
    new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(
      minorToMajor(minor, currency),
    );
  const shares = Object.entries(s.shares)
    .map(([channel, share]) => `${channel} ${Math.round(share * 100)}%`)
    .join("  ");
  return [
    `day ${String(s.day).padStart(3)} ${s.date}`,
    `7-day spend ${money(s.spendMinor).padStart(7)}`,
    `conv ${s.conversions.toFixed(0).padStart(4)}`,
    `CAC ${s.cacMinor === null ? "   -" : money(s.cacMinor).padStart(5)}`,
    `ROAS ${s.roas === null ? "  -" : s.roas.toFixed(2)}`,
    `| ${shares}`,
    `| oracle ${s.percentOfOracle === null ? "-" : `${Math.round(s.percentOfOracle)}%`}`,
    `| applied ${s.proposalsApplied}`,
  ].join("  ");
}
