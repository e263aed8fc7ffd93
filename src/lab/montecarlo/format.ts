import type { Estimate, LabSummary } from "./aggregate.js";

/** The summary table the CLI prints: one row per metric, mean and 95% interval across worlds. */
export function formatSummaryTable(s: LabSummary): string {
  const money = (e: Estimate) => row(e, 2);
  const rows: [string, string][] = [
    [`spend (${s.currency})`, money(s.spend)],
    ["conversions (platform-reported)", row(s.conversions, 1)],
    [`CAC (${s.currency}, reported)`, money(s.cac)],
    ["ROAS (reported)", row(s.roas, 2)],
    ["true conversions", row(s.trueConversions, 1)],
    ["true incremental conversions", row(s.incrementalConversions, 1)],
    [`true incremental revenue (${s.currency})`, money(s.incrementalRevenue)],
    ["% of oracle (incremental)", s.pctOfOracle ? row(s.pctOfOracle, 1) : "n/a"],
    ["budget delivery gap (mean |spend-budget|/budget)", row(s.pacingError, 3)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const head = `${s.scenario} | policy ${s.policy} | ${s.worlds} worlds x ${s.users} users x ${s.days} days | seed ${s.seed}`;
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  return [head, `${"metric".padEnd(width)}  mean [95% CI of mean] (2.5%-97.5% of worlds)`, ...lines].join(
    "\n",
  );
}

function row(e: Estimate, digits: number): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
  return `${f(e.mean)} [${f(e.ciLow)}, ${f(e.ciHigh)}] (${f(e.p025)}-${f(e.p975)})`;
}

/** Per-world rows as CSV (header + one line per world). */
export function perWorldCsv(s: LabSummary): string {
  const header =
    "index,seed,spend,conversions,cac,roas,incremental_conversions,oracle_incremental_conversions";
  const lines = s.perWorld.map((w) =>
    [
      w.index,
      w.seed,
      w.spend,
      w.conversions,
      w.cac,
      w.roas,
      w.incrementalConversions,
      w.oracleIncrementalConversions ?? "",
    ].join(","),
  );
  return [header, ...lines].join("\n");
}
