import type { ECharts, EChartsCoreOption } from "echarts/core";
import { useEffect, useRef, useState } from "react";

/** Okabe-Ito: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#000000",
];

// The chart library is a separate chunk, fetched once: the numbers never wait for it.
let library: Promise<typeof import("./echarts-setup.js")> | null = null;
const loadLibrary = () => {
  library ??= import("./echarts-setup.js");
  return library;
};

export function EChart({
  option,
  label,
  height = 280,
}: {
  option: EChartsCoreOption;
  label: string;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts | null>(null);
  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    void loadLibrary().then(({ echarts }) => {
      if (disposed || !ref.current) return;
      const instance = echarts.init(ref.current, null, { renderer: "canvas" });
      const observer = new ResizeObserver(() => instance.resize());
      observer.observe(ref.current);
      cleanup = () => {
        observer.disconnect();
        instance.dispose();
      };
      setChart(instance);
    });
    return () => {
      disposed = true;
      cleanup();
    };
  }, []);
  useEffect(() => {
    chart?.setOption({ color: PALETTE, animation: false, ...option }, { notMerge: true });
  }, [chart, option]);
  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height }} />;
}
