import { type FormEvent, useState } from "react";
import { looksLikeKey } from "../api/session.js";

/** Asks once for an API key; it is kept in this tab's sessionStorage only. */
export function Login({
  onKey,
  error,
  busy,
}: {
  onKey(key: string): void;
  error: string | null;
  busy: boolean;
}) {
  const [text, setText] = useState("");
  const [hint, setHint] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const key = text.trim();
    if (!looksLikeKey(key)) {
      setHint("A key looks like adp_ followed by 16 and 64 hex characters (adp_<id>_<secret>).");
      return;
    }
    setHint(null);
    onKey(key);
  };
  return (
    <main className="login">
      <form onSubmit={submit} className="card">
        <h1>AdPilot</h1>
        <p>Enter an API key. It stays in this browser tab until you close it or sign out.</p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="adp_…"
        />
        {(hint || error) && (
          <p className="form-error" role="alert">
            {hint ?? error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Checking…" : "Open dashboard"}
        </button>
        <p className="muted">
          No key? Create one with{" "}
          <code>adpilot keys create --workspace &lt;id&gt; --role viewer --name dashboard</code>.
        </p>
      </form>
    </main>
  );
}
