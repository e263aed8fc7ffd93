import type { AllocationHistory, PerformanceRow } from "../api/types.js";

/** A chart's categories (x axis) and one named series per channel, zero where a channel has no row. */
export interface ChannelSeries {
  x: string[];
  series: { name: string; values: number[] }[];
}

/** Per-day values of `metric` for each channel (key), days sorted, channels sorted by total, largest first. */
export function seriesByChannel(
  rows: readonly PerformanceRow[],
  metric: "costMinor" | "conversions" | "revenueMinor",
): ChannelSeries {
  const days = [...new Set(rows.filter((r) => r.period !== null).map((r) => r.period as string))].sort();
  const index = new Map(days.map((d, i) => [d, i]));
  const byChannel = new Map<string, { label: string; values: number[]; total: number }>();
  for (const r of rows) {
    if (r.period === null) continue;
    let entry = byChannel.get(r.key);
    if (!entry) {
      entry = { label: r.label || r.key, values: new Array(days.length).fill(0), total: 0 };
      byChannel.set(r.key, entry);
    }
    entry.values[index.get(r.period) as number] += r[metric];
    entry.total += r[metric];
  }
  const series = [...byChannel.values()]
    .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label))
    .map((e) => ({ name: e.label, values: e.values }));
  return { x: days, series };
}

/** Share of the budget per channel per cycle (stacked to 1), oldest first; at most `maxPoints` cycles. */
export function shareOverTime(history: AllocationHistory, maxPoints = 400): ChannelSeries {
  const cycles = history.cycles.slice(-maxPoints);
  const names = [...history.channels].sort();
  return {
    x: cycles.map((c) => c.at),
    series: names.map((name) => ({
      name,
      values: cycles.map((c) => {
        const total = c.channels.reduce((s, ch) => s + ch.budgetMinor, 0);
        const ch = c.channels.find((x) => x.channel === name);
        return total > 0 && ch ? ch.budgetMinor / total : 0;
      }),
    })),
  };
}

/** Budget shares per channel from performance spend per day, when no allocation history exists. */
export function spendShareOverTime(rows: readonly PerformanceRow[]): ChannelSeries {
  const spend = seriesByChannel(rows, "costMinor");
  const totals = spend.x.map((_, i) => spend.series.reduce((s, c) => s + c.values[i], 0));
  return {
    x: spend.x,
    series: spend.series.map((s) => ({
      name: s.name,
      values: s.values.map((v, i) => (totals[i] > 0 ? v / totals[i] : 0)),
    })),
  };
}
