import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, createApi } from "../api/client.js";
import { keyStore } from "../api/session.js";
import type { Account, Role, Workspace } from "../api/types.js";
import { Pages } from "../pages/Pages.js";
import { type Session, SessionContext } from "./context.js";
import { Login } from "./Login.js";
import { PAGES, usePage } from "./router.js";
import { useLive } from "./useLive.js";

interface Identity {
  key: string;
  role: Role;
  workspace: Workspace | null;
  accounts: Account[];
}

async function identify(key: string): Promise<Identity> {
  const api = createApi(key);
  const [whoami, accounts] = await Promise.all([
    api.get<{ key: { role: Role }; workspace: Workspace }>("/whoami"),
    api.get<{ accounts: Account[] }>("/accounts"),
  ]);
  return { key, role: whoami.key.role, workspace: whoami.workspace, accounts: accounts.accounts };
}

const ACCOUNT_KEY = "adpilot.account";

export function App() {
  const [identity, setIdentity] = useState<Identity | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [accountId, setAccountId] = useState<string | null>(() => sessionStorage.getItem(ACCOUNT_KEY));

  const signIn = useCallback(async (key: string) => {
    setBusy(true);
    try {
      const id = await identify(key);
      keyStore.save(key);
      setIdentity(id);
      setError(null);
    } catch (e) {
      keyStore.clear();
      setError(e instanceof ApiError ? e.message : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    const saved = keyStore.load();
    if (saved) void signIn(saved);
  }, [signIn]);

  const live = useLive(identity?.key ?? null);
  const page = usePage();

  const session = useMemo<Session | null>(() => {
    if (!identity) return null;
    const active = identity.accounts.filter((a) => a.status !== "removed");
    const account = active.find((a) => a.id === accountId) ?? active[0] ?? identity.accounts[0] ?? null;
    return {
      api: createApi(identity.key),
      role: identity.role,
      workspace: identity.workspace,
      accounts: identity.accounts,
      account,
      selectAccount(id) {
        sessionStorage.setItem(ACCOUNT_KEY, id);
        setAccountId(id);
      },
      live,
      signOut() {
        keyStore.clear();
        setIdentity(null);
      },
    };
  }, [identity, accountId, live]);

  if (!session) {
    if (busy && keyStore.load()) return <p className="state">Signing in…</p>;
    return <Login onKey={(k) => void signIn(k)} error={error} busy={busy} />;
  }

  return (
    <SessionContext.Provider value={session}>
      <div className="shell">
        <header className="topbar">
          <a className="brand" href="#/overview">
            AdPilot
          </a>
          <span className="muted">{session.workspace?.name ?? "workspace"}</span>
          {session.accounts.length > 0 && (
            <label className="account-picker">
              <span className="sr-only">Account</span>
              <select
                value={session.account?.id ?? ""}
                onChange={(e) => session.selectAccount(e.target.value)}
              >
                {session.accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.platform}, {a.currency})
                  </option>
                ))}
              </select>
            </label>
          )}
          <span className={`live-dot ${live.connection}`} title={`live updates: ${live.connection}`}>
            {live.connection === "open"
              ? "Live"
              : live.connection === "connecting"
                ? "Connecting…"
                : "Offline"}
          </span>
          <span className="role-badge" data-testid="role">
            {session.role}
          </span>
          <button type="button" className="link" onClick={session.signOut}>
            Sign out
          </button>
        </header>
        <nav className="tabs" aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={page === p.id ? "page" : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
        <main className="content">
          <Pages page={page} />
        </main>
      </div>
    </SessionContext.Provider>
  );
}
