import { useState } from "react";
import type { ApiError } from "../api/client.js";
import { roleAtLeast } from "../api/role.js";
import { useSession } from "../app/context.js";
import { useData, useThrottled } from "../app/useData.js";
import { Empty, ErrorState, Loaded, Section } from "../components/States.js";
import { formatDateTime } from "../lib/format.js";

interface Alert {
  id: number;
  severity: string;
  status: string;
  title: string;
  impact: string | null;
  suggestedAction: string;
  firstSeenAt: string;
  lastSeenAt: string;
  occurrences: number;
  silencedUntil: string | null;
  acknowledgedBy: string | null;
}

const SEVERITY_TONE: Record<string, string> = {
  critical: "bad",
  high: "bad",
  warning: "warn",
  medium: "warn",
  info: "info",
};

export function AlertsPage() {
  const { api, role, live } = useSession();
  const canAct = roleAtLeast(role, "approver");
  const refresh = useThrottled(live.versions.alerts, 1000);
  const [showResolved, setShowResolved] = useState(false);
  const data = useData(
    () => api.get<{ alerts: Alert[] }>("/alerts", showResolved ? { status: "resolved" } : {}),
    [api, showResolved],
    refresh,
  );
  const [error, setError] = useState<ApiError | null>(null);
  const act = async (a: Alert, action: "ack" | "silence" | "resolve") => {
    try {
      await api.send("POST", `/alerts/${a.id}/${action}`, action === "silence" ? { hours: 24 } : {});
      setError(null);
      data.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <div className="page">
      <h1>Alerts</h1>
      <div className="row">
        <button type="button" aria-pressed={!showResolved} onClick={() => setShowResolved(false)}>
          Open
        </button>
        <button type="button" aria-pressed={showResolved} onClick={() => setShowResolved(true)}>
          History (resolved)
        </button>
      </div>
      {error && <ErrorState error={error} what="that action" />}
      <Loaded data={data} what="alerts">
        {({ alerts }) =>
          alerts.length === 0 ? (
            <Empty title={showResolved ? "No resolved alerts." : "No open alerts — all checks pass."} />
          ) : (
            <Section title={`${alerts.length} ${showResolved ? "resolved" : "open"}`}>
              <ul className="proposals">
                {alerts.map((a) => (
                  <li key={a.id} className="proposal">
                    <div className="proposal-head">
                      <span className={`tag ${SEVERITY_TONE[a.severity] ?? ""}`}>{a.severity}</span>
                      <strong>{a.title}</strong>
                      <span className="muted small">
                        {a.status} · since {formatDateTime(a.firstSeenAt)} · {a.occurrences}×
                        {a.silencedUntil ? ` · silenced until ${formatDateTime(a.silencedUntil)}` : ""}
                      </span>
                    </div>
                    {a.impact && <p>{a.impact}</p>}
                    <p className="small">What to do: {a.suggestedAction}</p>
                    {canAct && a.status !== "resolved" && (
                      <div className="row">
                        {a.status === "open" && (
                          <button type="button" onClick={() => void act(a, "ack")}>
                            Acknowledge
                          </button>
                        )}
                        <button type="button" onClick={() => void act(a, "silence")}>
                          Silence 24 h
                        </button>
                        <button type="button" onClick={() => void act(a, "resolve")}>
                          Resolve
                        </button>
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            </Section>
          )
        }
      </Loaded>
    </div>
  );
}
