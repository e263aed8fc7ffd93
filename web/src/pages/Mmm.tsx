import { useSession } from "../app/context.js";
import { useData, useThrottled } from "../app/useData.js";
import { EChart } from "../charts/EChart.js";
import { Empty, Loaded, Section } from "../components/States.js";
import { type Column, Table } from "../components/Table.js";
import { formatDateTime, formatNumber } from "../lib/format.js";
import { curveOption, type MmmChannel, type MmmResult, normaliseMmm } from "../lib/mmm.js";

export function MmmPage() {
  const { api, account, live } = useSession();
  const refresh = useThrottled(live.versions.mmm, 1000);
  const data = useData(
    // Wrapped: "no fit yet" (null) must not read as "still loading".
    async () => ({
      m: normaliseMmm(
        await api.get<Record<string, unknown>>(`/accounts/${encodeURIComponent(account!.id)}/mmm`),
      ),
    }),
    [api, account?.id],
    refresh,
  );
  const currency = account!.currency;
  return (
    <div className="page">
      <h1>Marketing-mix model</h1>
      <Loaded data={data} what="the marketing-mix model">
        {({ m }) =>
          m ? (
            <MmmBody m={m} currency={currency} />
          ) : (
            <Empty title="No model fitted yet.">
              Start a fit with <code>adpilot mmm fit</code>; the service refits weekly.
            </Empty>
          )
        }
      </Loaded>
    </div>
  );
}

function MmmBody({ m, currency }: { m: MmmResult; currency: string }) {
  const columns: Column<MmmChannel>[] = [
    { head: "Channel", cell: (c) => c.channel },
    {
      head: "ROAS (90% interval)",
      numeric: true,
      cell: (c) =>
        `${formatNumber(c.roas.mean, 2)} (${formatNumber(c.roas.low, 2)}–${formatNumber(c.roas.high, 2)})`,
    },
    {
      head: "Marginal ROAS",
      numeric: true,
      cell: (c) =>
        `${formatNumber(c.mroas.mean, 2)} (${formatNumber(c.mroas.low, 2)}–${formatNumber(c.mroas.high, 2)})`,
    },
  ];
  return (
    <>
      <p className="muted">
        Fitted {formatDateTime(m.fittedAt)} · {m.diagnosticsText}
      </p>
      <Section title="ROAS and marginal ROAS by channel">
        <Table rows={m.channels} columns={columns} rowKey={(c) => c.channel} />
      </Section>
      {m.contributions && (
        <Section title="Contribution over time by channel">
          <EChart
            label="Contribution per channel over time, stacked area"
            option={{
              tooltip: { trigger: "axis" },
              legend: { top: 0 },
              grid: { left: 64, right: 16, top: 36, bottom: 32 },
              xAxis: { type: "category", data: m.contributions.x },
              yAxis: { type: "value" },
              series: m.contributions.series.map((s) => ({
                name: s.name,
                type: "line",
                stack: "c",
                areaStyle: {},
                symbol: "none",
                data: s.values,
              })),
            }}
          />
        </Section>
      )}
      <div className="grid-2">
        {m.channels
          .filter((c) => c.curve.length > 0)
          .map((c) => (
            <Section key={c.channel} title={`Response curve · ${c.channel}`}>
              <EChart
                label={`Response curve of ${c.channel} with uncertainty band`}
                option={curveOption(c, currency)}
                height={240}
              />
            </Section>
          ))}
      </div>
    </>
  );
}
