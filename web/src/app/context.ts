import { createContext, useContext } from "react";
import type { Api } from "../api/client.js";
import type { Account, Role, Workspace } from "../api/types.js";
import type { LiveState } from "../lib/live.js";

export interface Session {
  api: Api;
  role: Role;
  workspace: Workspace | null;
  accounts: Account[];
  account: Account | null;
  selectAccount(id: string): void;
  live: LiveState;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside SessionContext");
  return s;
}
