import { type FormEvent, useState } from "react";
import { ApiError } from "../api/client.js";
import { roleAtLeast } from "../api/role.js";
import type { Mode } from "../api/types.js";
import { useSession } from "../app/context.js";
import { useData } from "../app/useData.js";
import { Loaded, Section } from "../components/States.js";
import { flattenConfig, parseConfigInput } from "../lib/config.js";

export function SettingsPage() {
  const { api, account, role } = useSession();
  const isAdmin = roleAtLeast(role, "admin");
  const path = `/accounts/${encodeURIComponent(account!.id)}/config`;
  const data = useData(() => api.get<{ config: Record<string, unknown> }>(path), [api, path]);
  return (
    <div className="page">
      <h1>Settings · {account!.name}</h1>
      {!isAdmin && <p className="notice">Only admin keys can change settings; you see them read-only.</p>}
      <Loaded data={data} what="the configuration">
        {({ config }) => (
          <>
            <ModeSwitch current={config.mode as Mode} canChange={isAdmin} onDone={data.reload} />
            <ConfigForm config={config} canChange={isAdmin} path={path} onDone={data.reload} />
          </>
        )}
      </Loaded>
    </div>
  );
}

function ModeSwitch({ current, canChange, onDone }: { current: Mode; canChange: boolean; onDone(): void }) {
  const { api, account } = useSession();
  const [mode, setMode] = useState<Mode>(current);
  const [why, setWhy] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (
      mode === "live" &&
      !window.confirm("Live mode applies approved changes to real budgets on the platform. Switch to live?")
    ) {
      return;
    }
    try {
      await api.send("PUT", `/accounts/${encodeURIComponent(account!.id)}/mode`, {
        mode,
        justification: why,
        ...(mode === "live" ? { confirm: true } : {}),
      });
      setError(null);
      setWhy("");
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <Section title="Mode">
      <p>
        Now: <strong data-testid="mode">{current}</strong>. Shadow proposes only; canary applies a few changes
        per cycle; live applies everything approved.
      </p>
      {canChange && (
        <form className="row" onSubmit={submit}>
          <select value={mode} onChange={(e) => setMode(e.target.value as Mode)} aria-label="New mode">
            <option value="shadow">shadow</option>
            <option value="canary">canary</option>
            <option value="live">live</option>
          </select>
          <input
            value={why}
            onChange={(e) => setWhy(e.target.value)}
            placeholder="Why? (audited)"
            required
            aria-label="Justification"
          />
          <button type="submit" className="primary" disabled={mode === current}>
            Switch mode
          </button>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Section>
  );
}

function ConfigForm({
  config,
  canChange,
  path,
  onDone,
}: {
  config: Record<string, unknown>;
  canChange: boolean;
  path: string;
  onDone(): void;
}) {
  const { api } = useSession();
  const entries = flattenConfig(config).filter(([k]) => k !== "mode");
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    try {
      await api.send("PUT", path, { values: parseConfigInput(edits) });
      setEdits({});
      setError(null);
      setSaved(true);
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const fieldKey = error?.field?.replace(/^values\./, "");
  return (
    <Section title="Configuration">
      <form onSubmit={submit}>
        <div className="config-grid">
          {entries.map(([key, value]) => (
            <label key={key} className={fieldKey === key ? "invalid" : undefined}>
              <span className="mono small">{key}</span>
              <input
                value={edits[key] ?? value}
                disabled={!canChange}
                onChange={(e) => setEdits((x) => ({ ...x, [key]: e.target.value }))}
                aria-invalid={fieldKey === key}
              />
            </label>
          ))}
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        {saved && <p className="notice ok">Saved.</p>}
        {canChange && (
          <button type="submit" className="primary" disabled={Object.keys(edits).length === 0}>
            Save changes
          </button>
        )}
      </form>
    </Section>
  );
}
