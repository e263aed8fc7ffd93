import type { Arm, Interval } from "../api/types.js";
import { formatNumber, formatPercent } from "./format.js";

/** "2.41 (1.90–3.02)" for a ratio interval, "1.2% (0.9–1.6%)" for a rate. */
export function formatInterval(i: Interval | null, kind: "rate" | "ratio"): string {
  if (!i || i.mean === null) return "–";
  const f = (v: number | null) =>
    v === null ? "?" : kind === "rate" ? formatPercent(v, 2) : formatNumber(v, 2);
  return i.low === null && i.high === null ? f(i.mean) : `${f(i.mean)} (${f(i.low)}–${f(i.high)})`;
}

/** Arms grouped by channel, each channel's arms by target budget, largest first. */
export function armsByChannel(arms: readonly Arm[]): { channel: string; budgetMinor: number; arms: Arm[] }[] {
  const groups = new Map<string, Arm[]>();
  for (const a of arms) groups.set(a.channel, [...(groups.get(a.channel) ?? []), a]);
  const budget = (a: Arm) => a.allocation?.budgetMinor ?? a.currentBudgetMinor ?? 0;
  return [...groups.entries()]
    .map(([channel, list]) => ({
      channel,
      budgetMinor: list.reduce((s, a) => s + budget(a), 0),
      arms: [...list].sort((x, y) => budget(y) - budget(x) || x.armId.localeCompare(y.armId)),
    }))
    .sort((a, b) => b.budgetMinor - a.budgetMinor || a.channel.localeCompare(b.channel));
}

export const ACTION_TONE: Record<string, string> = {
  SCALE: "good",
  KILL: "bad",
  MAINTAIN: "neutral",
  OBSERVE: "info",
};
export const FATIGUE_TONE: Record<string, string> = {
  none: "good",
  low: "neutral",
  medium: "warn",
  high: "bad",
  critical: "bad",
};
