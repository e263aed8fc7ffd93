import type { Store } from "../../store/index.js";

/**
 * The channel split of the latest converged MMM fit for the account, scaled to today's budget:
 * `{ channel: budgetMinor }`, or null when there is no usable fit (the bandit then splits the whole
 * budget). Fits store `recommendedShares` (channel -> share of budget) from the MMM optimizer.
 */
export async function latestChannelBudgets(
  store: Store,
  accountId: string,
  budgetMinor: number,
): Promise<Record<string, number> | null> {
  const rows = await store.query<{ shares: Record<string, number> | null }>(
    `SELECT ${LATEST_SHARES_SQL} AS shares`,
    [accountId],
  );
  return channelBudgetsFromShares(rows[0]?.shares ?? null, budgetMinor);
}

/** The latest converged fit's recommended shares for the account named by `$1` (null without one). */
export const LATEST_SHARES_SQL = `(SELECT f.result->'recommendedShares' FROM mmm_fits f
  WHERE f.account_id = $1 AND f.converged ORDER BY f.fitted_at DESC, f.id DESC LIMIT 1)`;

/** Recommended channel shares scaled to a budget that the channel budgets add up to exactly. */
export function channelBudgetsFromShares(
  shares: Record<string, number> | null | undefined,
  budgetMinor: number,
): Record<string, number> | null {
  if (!shares) return null;
  const entries = Object.entries(shares).filter(([, share]) => share > 0);
  const total = entries.reduce((sum, [, share]) => sum + share, 0);
  if (!(total > 0)) return null;
  // Largest-remainder rounding so the channel budgets add up to the account budget exactly.
  const raw = entries.map(([channel, share]) => ({ channel, exact: (budgetMinor * share) / total }));
  const floors = raw.map((r) => ({ ...r, minor: Math.floor(r.exact) }));
  let left = budgetMinor - floors.reduce((sum, r) => sum + r.minor, 0);
  for (const r of [...floors].sort((a, b) => b.exact - b.minor - (a.exact - a.minor))) {
    if (left <= 0) break;
    r.minor++;
    left--;
  }
  return Object.fromEntries(floors.map((r) => [r.channel, r.minor]));
}
