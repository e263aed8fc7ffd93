import { type FormEvent, useState } from "react";
import type { ApiError } from "../api/client.js";
import { roleAtLeast } from "../api/role.js";
import { useSession } from "../app/context.js";
import { useData } from "../app/useData.js";
import { Empty, ErrorState, Loaded, Section } from "../components/States.js";
import { formatDateTime, formatNumber } from "../lib/format.js";

interface Override {
  id: number;
  kind: string;
  entityLevel: string | null;
  entityId: string | null;
  channel: string | null;
  value: Record<string, unknown>;
  justification: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  endedAt: string | null;
  endReason: string | null;
  state: "active" | "ended" | "expired";
}
interface Impact {
  perOverride: {
    overrideId: number;
    metric: string;
    actual: number;
    counterfactual: number;
    delta: number;
  }[];
}

export function OverridesPage() {
  const { api, account, role } = useSession();
  const canWrite = roleAtLeast(role, "analyst");
  const data = useData(async () => {
    const [list, impact] = await Promise.all([
      api.get<{ overrides: Override[] }>("/overrides", { account: account!.id }),
      api
        .get<Impact>("/overrides/impact", { account: account!.id })
        .catch(() => ({ perOverride: [] }) as Impact),
    ]);
    return { overrides: list.overrides, impact: impact.perOverride };
  }, [api, account?.id]);
  const [error, setError] = useState<ApiError | null>(null);
  const end = async (o: Override) => {
    const reason = window.prompt(`Why end override #${o.id}?`);
    if (!reason) return;
    try {
      await api.send("POST", `/overrides/${o.id}/end`, { reason });
      data.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <div className="page">
      <h1>Overrides</h1>
      {error && <ErrorState error={error} what="that change" />}
      {canWrite && <NewOverride accountId={account!.id} onDone={data.reload} />}
      <Loaded data={data} what="overrides">
        {({ overrides, impact }) =>
          overrides.length === 0 ? (
            <Empty title="No overrides.">
              An override pins a budget or share, pauses or forbids something; the optimizer leaves it alone
              until it ends.
            </Empty>
          ) : (
            <Section title="Overrides and their measured impact">
              <ul className="proposals">
                {overrides.map((o) => {
                  const m = impact.filter((i) => i.overrideId === o.id);
                  return (
                    <li key={o.id} className="proposal">
                      <div className="proposal-head">
                        <strong>
                          #{o.id} {o.kind.replace("_", " ")} ·{" "}
                          {o.entityId ? `${o.entityLevel} ${o.entityId}` : `channel ${o.channel}`}
                        </strong>
                        <span className={`tag ${o.state === "active" ? "good" : "neutral"}`}>{o.state}</span>
                        <span className="muted small">
                          by {o.createdBy} · {formatDateTime(o.createdAt)} →{" "}
                          {formatDateTime(o.endedAt ?? o.expiresAt)}
                        </span>
                      </div>
                      <p>{o.justification}</p>
                      {Object.keys(o.value).length > 0 && (
                        <p className="small muted">{JSON.stringify(o.value)}</p>
                      )}
                      {m.length === 0 ? (
                        <p className="small muted">
                          Impact not measured yet (needs data after the override started).
                        </p>
                      ) : (
                        m.map((i) => (
                          <p key={i.metric} className="small">
                            {i.metric}: actual {formatNumber(i.actual, 2)} vs model counterfactual{" "}
                            {formatNumber(i.counterfactual, 2)}{" "}
                            <strong className={i.delta >= 0 ? "up" : "down"}>
                              ({i.delta >= 0 ? "+" : ""}
                              {formatNumber(i.delta, 2)})
                            </strong>
                          </p>
                        ))
                      )}
                      {canWrite && o.state === "active" && (
                        <button type="button" onClick={() => void end(o)}>
                          End override…
                        </button>
                      )}
                    </li>
                  );
                })}
              </ul>
            </Section>
          )
        }
      </Loaded>
    </div>
  );
}

function NewOverride({ accountId, onDone }: { accountId: string; onDone(): void }) {
  const { api } = useSession();
  const [kind, setKind] = useState("pin_budget");
  const [target, setTarget] = useState("");
  const [value, setValue] = useState("");
  const [days, setDays] = useState("7");
  const [justification, setJustification] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const byChannel = kind === "pin_share" || (kind === "forbid" && !target.includes(":"));
    const body: Record<string, unknown> = {
      accountId,
      kind,
      justification,
      expiresAt: new Date(Date.now() + Number(days) * 86_400_000).toISOString(),
      ...(byChannel
        ? { channel: target }
        : { entity: { level: "campaign", id: target.replace(/^campaign:/, "") } }),
    };
    if (kind === "pin_budget") body.value = { dailyBudgetMinor: Math.round(Number(value) * 100) };
    if (kind === "pin_share") body.value = { share: Number(value) / 100 };
    try {
      await api.send("POST", "/overrides", body);
      setJustification("");
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <Section title="New override">
      <form className="form-grid" onSubmit={submit}>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="pin_budget">Pin a campaign's daily budget</option>
            <option value="pin_share">Pin a channel's share</option>
            <option value="pause">Pause a campaign</option>
            <option value="forbid">Forbid changes (campaign or channel)</option>
          </select>
        </label>
        <label>
          {kind === "pin_share" ? "Channel" : "Campaign id (or channel for forbid)"}
          <input value={target} onChange={(e) => setTarget(e.target.value)} required />
        </label>
        {(kind === "pin_budget" || kind === "pin_share") && (
          <label>
            {kind === "pin_budget" ? "Daily budget (major units)" : "Share (%)"}
            <input
              type="number"
              min="0"
              step="any"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              required
            />
          </label>
        )}
        <label>
          Days until it ends
          <input
            type="number"
            min="1"
            max="90"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            required
          />
        </label>
        <label className="wide">
          Justification (at least 10 characters)
          <input
            value={justification}
            onChange={(e) => setJustification(e.target.value)}
            minLength={10}
            required
          />
        </label>
        {error && (
          <p className="form-error wide" role="alert">
            {error.message}
            {error.field ? ` (${error.field})` : ""}
          </p>
        )}
        <button type="submit" className="primary">
          Create override
        </button>
      </form>
    </Section>
  );
}
