import { ROLES, type Role } from "./roles.js";

/**
 * Every action a route can require, and which roles may do it — the one place this is decided.
 * Each route declares its action (`config: { action }`); the authentication hook refuses a route
 * without one, so nothing is reachable by accident. Modules still to come (proposals, overrides,
 * alerts, mmm, lab) use the actions already listed here.
 */
export const API_ACTIONS = [
  "workspaces.read",
  "workspaces.create",
  "accounts.read",
  "accounts.write",
  "campaigns.read",
  "metrics.read",
  "config.read",
  "config.write",
  "status.read",
  "events.read",
  "keys.read",
  "keys.write",
  "proposals.read",
  "proposals.decide",
  "overrides.read",
  "overrides.write",
  "mode.set",
  "alerts.read",
  "alerts.write",
  "mmm.read",
  "mmm.fit",
  "lab.read",
  "lab.run",
  "crm.read",
  "crm.write",
] as const;
export type ApiAction = (typeof API_ACTIONS)[number];

/** Viewer reads everything of its workspace. */
const VIEWER: ApiAction[] = [
  "workspaces.read",
  "accounts.read",
  "campaigns.read",
  "metrics.read",
  "config.read",
  "status.read",
  "events.read",
  "proposals.read",
  "overrides.read",
  "alerts.read",
  "mmm.read",
  "lab.read",
  "crm.read",
];
/** Analyst also writes overrides, starts model fits and lab runs, and records CRM deal links. */
const ANALYST: ApiAction[] = [...VIEWER, "overrides.write", "mmm.fit", "lab.run", "crm.write"];
/** Approver also approves and rejects proposals and handles alerts. */
const APPROVER: ApiAction[] = [...ANALYST, "proposals.decide", "alerts.write"];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<ApiAction>>> = {
  viewer: new Set(VIEWER),
  analyst: new Set(ANALYST),
  approver: new Set(APPROVER),
  /** Admin does everything: keys, workspaces, accounts, configuration and mode changes. */
  admin: new Set(API_ACTIONS),
};

export function isPermitted(role: Role, action: ApiAction): boolean {
  return ROLE_PERMISSIONS[role]?.has(action) ?? false;
}

/** The least role that may do `action` (for error messages). */
export function leastRoleFor(action: ApiAction): Role {
  return ROLES.find((role) => isPermitted(role, action)) ?? "admin";
}
