import type { EChartsCoreOption } from "echarts/core";
import { formatDay, formatMoney, formatNumber, formatPercent } from "../lib/format.js";
import type { ChannelSeries } from "../lib/series.js";

const base = {
  grid: { left: 64, right: 16, top: 36, bottom: 32 },
  tooltip: { trigger: "axis" },
  legend: { top: 0, type: "scroll" },
};

/** Stacked bars per channel per day (spend in currency, or conversions). */
export function stackedDaily(s: ChannelSeries, kind: { currency: string } | "count"): EChartsCoreOption {
  const fmt = (v: number) =>
    kind === "count" ? formatNumber(v, v < 10 ? 1 : 0) : formatMoney(v, kind.currency, { compact: true });
  return {
    ...base,
    tooltip: { trigger: "axis", valueFormatter: (v: number) => fmt(v) },
    xAxis: { type: "category", data: s.x.map(formatDay) },
    yAxis: { type: "value", axisLabel: { formatter: fmt } },
    series: s.series.map((c) => ({
      name: c.name,
      type: "bar",
      stack: "total",
      data: c.values,
      barMaxWidth: 18,
    })),
  };
}

/** Share of budget per channel over time, stacked to 100%. */
export function shareArea(s: ChannelSeries, labelOf: (x: string) => string): EChartsCoreOption {
  return {
    ...base,
    tooltip: { trigger: "axis", valueFormatter: (v: number) => formatPercent(v) },
    xAxis: { type: "category", boundaryGap: false, data: s.x.map(labelOf) },
    yAxis: { type: "value", max: 1, axisLabel: { formatter: (v: number) => formatPercent(v, 0) } },
    series: s.series.map((c) => ({
      name: c.name,
      type: "line",
      stack: "share",
      areaStyle: {},
      symbol: "none",
      lineStyle: { width: 1 },
      data: c.values,
    })),
  };
}
