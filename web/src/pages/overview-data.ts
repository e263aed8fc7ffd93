import type { Api } from "../api/client.js";
import { ApiError } from "../api/client.js";
import type { Account, Allocation, AllocationHistory, MetricsResponse } from "../api/types.js";
import { addDays } from "../lib/dates.js";
import { latestDay } from "../lib/kpis.js";

export interface OverviewData {
  anchor: string | null;
  hour: number;
  metrics: MetricsResponse | null;
  allocation: Allocation | null;
  history: AllocationHistory | null;
  dailyBudgetMinor: number | null;
  targetCacMinor: number | null;
  percentOfOracle: number | null;
}

/** A missing feature route (older server) reads as "no data" instead of failing the page. */
async function optional<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 503)) return null;
    throw error;
  }
}

const toMinor = (major: unknown, currency: string) => {
  if (typeof major !== "number") return null;
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return Math.round(major * 10 ** digits);
};

/**
 * Everything the overview shows. "Today" is the latest day with data (a sandbox account lives on a
 * simulated clock, and platforms report with a lag), so the KPIs always describe real rows.
 */
export async function loadOverview(api: Api, account: Account): Promise<OverviewData> {
  const base = `/accounts/${encodeURIComponent(account.id)}`;
  const [days, allocation, history, config, status] = await Promise.all([
    api.get<MetricsResponse>(`${base}/metrics`, { by: "account", grain: "day" }),
    optional(api.get<Allocation>(`${base}/allocation`)),
    optional(api.get<AllocationHistory>(`${base}/allocations`, { limit: 400 })),
    optional(api.get<{ config: Record<string, unknown> }>(`${base}/config`)),
    optional(api.get<Record<string, unknown>>("/status")),
  ]);
  const anchor = latestDay(days.rows);
  const metrics = anchor
    ? await api.get<MetricsResponse>(`${base}/metrics`, {
        by: "channel",
        grain: "day",
        from: addDays(anchor, -59),
        to: anchor,
      })
    : null;
  const at = allocation?.at ?? null;
  const hour = at && anchor && at.slice(0, 10) === anchor ? new Date(at).getUTCHours() : 24;
  const guardrails = (config?.config.guardrails ?? {}) as Record<string, unknown>;
  const oracle =
    status?.percentOfOracle ?? (status?.demo as Record<string, unknown> | undefined)?.percentOfOracle;
  return {
    anchor,
    hour,
    metrics,
    allocation,
    history,
    dailyBudgetMinor:
      toMinor(guardrails.accountDailyBudget, account.currency) ??
      (allocation && allocation.totalBudgetMinor > 0 ? allocation.totalBudgetMinor : null),
    targetCacMinor: toMinor(config?.config.targetCac, account.currency),
    percentOfOracle: typeof oracle === "number" ? oracle : null,
  };
}
