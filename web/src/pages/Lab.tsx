import { type FormEvent, useState } from "react";
import type { ApiError } from "../api/client.js";
import { roleAtLeast } from "../api/role.js";
import { useSession } from "../app/context.js";
import { useData, useThrottled } from "../app/useData.js";
import { Empty, ErrorState, Loaded, Section } from "../components/States.js";
import { formatDateTime, formatNumber, formatPercent } from "../lib/format.js";

interface LabRun {
  id: number;
  status: string;
  params: Record<string, unknown>;
  progress: number | null;
  createdAt: string;
  summary: { policy?: string; percentOfOracle?: number; [k: string]: unknown } | null;
  error?: string | null;
}

export function LabPage() {
  const { api, role, live } = useSession();
  const canRun = roleAtLeast(role, "analyst");
  const refresh = useThrottled(live.versions.lab, 1000);
  const runs = useData(() => api.get<{ runs: LabRun[] }>("/lab/runs"), [api], refresh);
  return (
    <div className="page">
      <h1>Lab</h1>
      {canRun && <RunForm onDone={runs.reload} />}
      <Loaded data={runs} what="lab runs">
        {({ runs: list }) =>
          list.length === 0 ? (
            <Empty title="No lab runs yet.">
              Run a scenario to compare policies with the oracle that knows the true response.
            </Empty>
          ) : (
            <Section title="Runs">
              <div className="table-wrap">
                <table data-testid="lab-runs">
                  <thead>
                    <tr>
                      <th scope="col">Run</th>
                      <th scope="col">Scenario · policy</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="num">
                        % of oracle
                      </th>
                      <th scope="col">Started</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((r) => (
                      <tr key={r.id}>
                        <td>#{r.id}</td>
                        <td>
                          {String(r.params.scenario ?? "")} · {String(r.params.policy ?? "")}
                        </td>
                        <td>
                          {r.status}
                          {r.status === "running" && r.progress !== null && (
                            <progress max={1} value={r.progress} aria-label={`run ${r.id} progress`} />
                          )}
                          {r.error ? <span className="form-error"> {r.error}</span> : null}
                        </td>
                        <td className="num">
                          {typeof r.summary?.percentOfOracle === "number"
                            ? formatPercent(r.summary.percentOfOracle / 100, 0)
                            : "–"}
                        </td>
                        <td>{formatDateTime(r.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>
          )
        }
      </Loaded>
    </div>
  );
}

function RunForm({ onDone }: { onDone(): void }) {
  const { api } = useSession();
  const [scenario, setScenario] = useState("ecommerce");
  const [policy, setPolicy] = useState("thompson");
  const [days, setDays] = useState("30");
  const [worlds, setWorlds] = useState("4");
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.send("POST", "/lab/runs", {
        scenario,
        policy,
        days: Number(days),
        worlds: Number(worlds),
        seed: 1,
      });
      setError(null);
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <Section title="Run a scenario">
      <form className="row" onSubmit={submit}>
        <select value={scenario} onChange={(e) => setScenario(e.target.value)} aria-label="Scenario">
          <option value="ecommerce">ecommerce</option>
          <option value="service-business">service-business</option>
          <option value="subscription-app">subscription-app</option>
        </select>
        <select value={policy} onChange={(e) => setPolicy(e.target.value)} aria-label="Policy">
          {["thompson", "uniform", "greedy", "scenario", "oracle"].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <label>
          days{" "}
          <input type="number" min="1" max="365" value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        <label>
          worlds{" "}
          <input
            type="number"
            min="1"
            max="1000"
            value={worlds}
            onChange={(e) => setWorlds(e.target.value)}
          />
        </label>
        <button type="submit" className="primary">
          Run
        </button>
        <span className="muted small">≈ {formatNumber(Number(days) * Number(worlds))} world-days</span>
      </form>
      {error && <ErrorState error={error} what="the run" />}
    </Section>
  );
}
