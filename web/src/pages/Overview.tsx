import { useMemo } from "react";
import { useSession } from "../app/context.js";
import { useData, useThrottled } from "../app/useData.js";
import { EChart } from "../charts/EChart.js";
import { shareArea, stackedDaily } from "../charts/options.js";
import { Kpi, Meter } from "../components/Kpi.js";
import { Empty, Loaded, Section } from "../components/States.js";
import { addDays } from "../lib/dates.js";
import { formatDateTime, formatDay, formatMoney, formatNumber, formatRatio } from "../lib/format.js";
import { PERIOD_LABEL, pacing, periodKpis } from "../lib/kpis.js";
import { seriesByChannel, shareOverTime, spendShareOverTime } from "../lib/series.js";
import { LiveFeed } from "./LiveFeed.js";
import { loadOverview, type OverviewData } from "./overview-data.js";

export function OverviewPage() {
  const { api, account, live } = useSession();
  const refresh = useThrottled(live.versions.cycles, 5000);
  const data = useData(() => loadOverview(api, account!), [api, account?.id], refresh);
  return (
    <div className="page">
      <h1>Overview</h1>
      <Loaded data={data} what="the overview">
        {(d) => <OverviewBody d={d} currency={account!.currency} />}
      </Loaded>
      <LiveFeed />
    </div>
  );
}

function OverviewBody({ d, currency }: { d: OverviewData; currency: string }) {
  const rows = d.metrics?.rows ?? [];
  const kpis = useMemo(
    () =>
      d.anchor
        ? periodKpis(rows, d.anchor, {
            dailyBudgetMinor: d.dailyBudgetMinor,
            targetCacMinor: d.targetCacMinor,
          })
        : [],
    [rows, d],
  );
  const from30 = d.anchor ? addDays(d.anchor, -29) : "";
  const recent = useMemo(() => rows.filter((r) => r.period !== null && r.period >= from30), [rows, from30]);
  const spend = useMemo(() => seriesByChannel(recent, "costMinor"), [recent]);
  const conversions = useMemo(() => seriesByChannel(recent, "conversions"), [recent]);
  const shares = useMemo(
    () => (d.history && d.history.cycles.length > 1 ? shareOverTime(d.history) : spendShareOverTime(rows)),
    [d.history, rows],
  );
  if (!d.anchor) {
    return (
      <Empty title="No performance data for this account yet.">
        The service syncs it from the platform every cycle; for a CSV export run <code>adpilot import</code>.
        In the demo, data appears within a few seconds.
      </Empty>
    );
  }
  const pace = pacing(rows, d.anchor, d.hour, d.dailyBudgetMinor);
  const m = (v: number | null) => formatMoney(v, currency);
  return (
    <>
      <p className="muted" data-testid="as-of">
        Latest reporting day: <strong>{formatDay(d.anchor)}</strong>
        {d.allocation?.at && <> · last cycle {formatDateTime(d.allocation.at)}</>}
        {d.percentOfOracle !== null && (
          <>
            {" "}
            · <strong data-testid="oracle">{Math.round(d.percentOfOracle)}% of the oracle</strong> (lab)
          </>
        )}
      </p>
      {kpis.map((k) => (
        <Section
          key={k.period}
          title={`${PERIOD_LABEL[k.period]} (${formatDay(k.range.from)}–${formatDay(k.range.to)})`}
        >
          <div className="kpis" data-testid={`kpis-${k.period}`}>
            <Kpi
              testId={`spend-${k.period}`}
              label="Spend"
              value={m(k.current.costMinor)}
              change={k.change.costMinor}
              goodWhenUp={true}
              plan={k.planCostMinor === null ? null : `plan ${m(k.planCostMinor)}`}
            />
            <Kpi
              testId={`conversions-${k.period}`}
              label="Conversions"
              value={formatNumber(k.current.conversions)}
              change={k.change.conversions}
              goodWhenUp={true}
            />
            <Kpi
              testId={`cac-${k.period}`}
              label="CAC"
              value={formatMoney(k.current.cacMinor, currency, { cents: true })}
              change={k.change.cacMinor}
              goodWhenUp={false}
              plan={
                k.planCacMinor === null
                  ? "no target CAC set"
                  : `target ${formatMoney(k.planCacMinor, currency, { cents: true })}`
              }
            />
            <Kpi
              testId={`roas-${k.period}`}
              label="ROAS"
              value={formatRatio(k.current.roas)}
              change={k.change.roas}
              goodWhenUp={true}
            />
          </div>
        </Section>
      ))}
      <Section title="Budget pacing">
        <div className="grid-2">
          <Meter
            label={`Today (${d.hour === 24 ? "full day" : `${d.hour}:00`})`}
            fraction={
              pace.dayBudgetMinor
                ? pace.daySpentMinor / (pace.dayBudgetMinor * (Math.max(d.hour, 1) / 24))
                : null
            }
            detail={`${m(pace.daySpentMinor)} spent of ${m(pace.dayBudgetMinor)} daily budget`}
          />
          <Meter
            label="This month"
            fraction={pace.monthPace}
            detail={`${m(pace.monthSpentMinor)} spent of ${m(pace.monthBudgetMinor)} (${Math.round(pace.monthElapsed * 100)}% of the month gone)`}
          />
        </div>
      </Section>
      <div className="grid-2">
        <Section title="Spend by channel (30 days)">
          <EChart option={stackedDaily(spend, { currency })} label="Daily spend by channel, stacked bars" />
        </Section>
        <Section title="Conversions by channel (30 days)">
          <EChart
            option={stackedDaily(conversions, "count")}
            label="Daily conversions by channel, stacked bars"
          />
        </Section>
      </div>
      <Section title="Share of budget per channel">
        {shares.x.length === 0 ? (
          <Empty title="No allocations yet." />
        ) : (
          <EChart
            option={shareArea(shares, (x) => (x.length > 10 ? formatDateTime(x) : formatDay(x)))}
            label="Share of the daily budget per channel over time, stacked area"
          />
        )}
      </Section>
    </>
  );
}
