import { useMemo, useState } from "react";
import type { Allocation, Arm } from "../api/types.js";
import { useSession } from "../app/context.js";
import { useData, useThrottled } from "../app/useData.js";
import { EChart } from "../charts/EChart.js";
import { Empty, Loaded, Section } from "../components/States.js";
import { type Column, Table } from "../components/Table.js";
import { ACTION_TONE, armsByChannel, FATIGUE_TONE, formatInterval } from "../lib/arms.js";
import { formatDateTime, formatMoney, formatPercent } from "../lib/format.js";

export function AllocationsPage() {
  const { api, account, live } = useSession();
  const base = `/accounts/${encodeURIComponent(account!.id)}`;
  const refresh = useThrottled(live.versions.decisions + live.versions.cycles, 3000);
  const data = useData(
    async () => {
      const [allocation, arms] = await Promise.all([
        api.get<Allocation>(`${base}/allocation`),
        api.get<{ arms: Arm[]; currency: string }>(`${base}/arms`),
      ]);
      return { allocation, arms: arms.arms };
    },
    [api, base],
    refresh,
  );
  const currency = account!.currency;
  return (
    <div className="page">
      <h1>Allocations &amp; decisions</h1>
      <Loaded data={data} what="allocations and decisions">
        {({ allocation, arms }) =>
          arms.length === 0 ? (
            <Empty title="No arms yet.">
              The first optimization cycle creates the allocation and a decision per arm.
            </Empty>
          ) : (
            <>
              <p className="muted">
                Cycle {allocation.cycleNo ?? "–"} · {formatDateTime(allocation.at)} · total daily budget{" "}
                {formatMoney(allocation.totalBudgetMinor, currency)}
              </p>
              <Section title="Budget per channel: now and target">
                <EChart
                  label="Current and target daily budget per channel, bars"
                  height={220}
                  option={{
                    grid: { left: 110, right: 24, top: 30, bottom: 24 },
                    legend: { top: 0 },
                    tooltip: { trigger: "axis", valueFormatter: (v: number) => formatMoney(v, currency) },
                    yAxis: { type: "category", data: allocation.channels.map((c) => c.channel) },
                    xAxis: {
                      type: "value",
                      axisLabel: { formatter: (v: number) => formatMoney(v, currency, { compact: true }) },
                    },
                    series: [
                      {
                        name: "Now",
                        type: "bar",
                        data: allocation.channels.map((c) => c.currentBudgetMinor),
                      },
                      { name: "Target", type: "bar", data: allocation.channels.map((c) => c.budgetMinor) },
                    ],
                  }}
                />
              </Section>
              {armsByChannel(arms).map((g) => (
                <ChannelArms
                  key={g.channel}
                  channel={g.channel}
                  budgetMinor={g.budgetMinor}
                  arms={g.arms}
                  currency={currency}
                />
              ))}
            </>
          )
        }
      </Loaded>
    </div>
  );
}

function ChannelArms({
  channel,
  budgetMinor,
  arms,
  currency,
}: {
  channel: string;
  budgetMinor: number;
  arms: Arm[];
  currency: string;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const columns = useMemo<Column<Arm>[]>(
    () => [
      {
        head: "Arm",
        cell: (a) => (
          <button
            type="button"
            className="link"
            onClick={() => setOpen((o) => (o === a.armId ? null : a.armId))}
          >
            {a.name ?? a.armId}
          </button>
        ),
      },
      { head: "Now", numeric: true, cell: (a) => formatMoney(a.currentBudgetMinor, currency) },
      {
        head: "Target",
        numeric: true,
        cell: (a) => formatMoney(a.allocation?.budgetMinor ?? null, currency),
      },
      { head: "Share", numeric: true, cell: (a) => formatPercent(a.allocation?.share ?? null) },
      {
        head: "Decision",
        cell: (a) =>
          a.decision ? (
            <span className={`tag ${ACTION_TONE[a.decision.action] ?? ""}`}>
              {a.decision.action.toLowerCase()}
            </span>
          ) : (
            "–"
          ),
      },
      { head: "Confidence", numeric: true, cell: (a) => formatPercent(a.decision?.confidence ?? null, 0) },
      {
        head: "ROAS (95% interval)",
        numeric: true,
        cell: (a) => formatInterval(a.decision?.posterior.roas ?? null, "ratio"),
      },
      { head: "CTR", numeric: true, cell: (a) => formatInterval(a.decision?.posterior.ctr ?? null, "rate") },
      { head: "CVR", numeric: true, cell: (a) => formatInterval(a.decision?.posterior.cvr ?? null, "rate") },
      {
        head: "Fatigue",
        cell: (a) =>
          a.decision?.fatigue ? (
            <span className={`tag ${FATIGUE_TONE[a.decision.fatigue] ?? ""}`}>{a.decision.fatigue}</span>
          ) : (
            "–"
          ),
      },
      { head: "Reason", cell: (a) => a.decision?.reason ?? "–" },
    ],
    [currency],
  );
  const detail = arms.find((a) => a.armId === open);
  return (
    <Section title={`${channel} · ${formatMoney(budgetMinor, currency)} per day`}>
      <Table rows={arms} columns={columns} rowKey={(a) => a.armId} testId={`arms-${channel}`} />
      {detail && (
        <div className="detail">
          <h3>{detail.name ?? detail.armId}</h3>
          <p>{detail.decision?.explanation ?? "No decision yet."}</p>
          {detail.decision && detail.decision.factors.length > 0 && (
            <ul className="small">
              {detail.decision.factors.map((f, i) => (
                <li key={`${String(f.name ?? i)}`}>
                  <strong>{String(f.name ?? "factor")}</strong>: {String(f.value ?? "")}
                  {f.threshold !== undefined && <> (threshold {String(f.threshold)})</>}{" "}
                  {f.detail ? `— ${String(f.detail)}` : ""}
                </li>
              ))}
            </ul>
          )}
          <h4>Budget changes</h4>
          {detail.budgetChanges.length === 0 ? (
            <p className="muted">No applied budget change yet.</p>
          ) : (
            <ol className="small">
              {detail.budgetChanges.map((c) => (
                <li key={c.proposalId}>
                  {formatDateTime(c.at)}: {formatMoney(c.fromMinor, currency)} →{" "}
                  {formatMoney(c.toMinor, currency)} ({c.origin}, approved by {c.approvedBy ?? "–"})
                  {c.status !== "applied" ? ` · ${c.status}` : ""}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </Section>
  );
}
