/**
 * Roles and what each may do. Only approver and admin approve; nobody approves a proposal they made
 * themselves (which covers the proposals an analyst's own override produces); any action on another
 * workspace's resources is denied, whatever the role.
 */
export const ROLES = ["viewer", "analyst", "approver", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  "proposals.view",
  "proposals.create",
  "proposals.approve",
  "proposals.reject",
  "overrides.view",
  "overrides.create",
  "overrides.end",
  "rollback.create",
  "audit.view",
  "audit.verify",
  "mode.set",
  "config.set",
] as const;
export type Action = (typeof ACTIONS)[number];

const READ: Action[] = ["proposals.view", "overrides.view", "audit.view", "audit.verify"];
const ANALYST: Action[] = [...READ, "proposals.create", "overrides.create", "overrides.end"];
const APPROVER: Action[] = [...ANALYST, "proposals.approve", "proposals.reject", "rollback.create"];

export const PERMISSIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  viewer: new Set(READ),
  analyst: new Set(ANALYST),
  approver: new Set(APPROVER),
  admin: new Set([...APPROVER, "mode.set", "config.set"]),
};

export interface Actor {
  userId: string;
  role: Role;
  workspaceId: string;
}

export interface Resource {
  workspaceId: string;
  /** Who created the proposal or override (the system's own proposals have "system"). */
  authorId?: string | null;
}

export type Authorization = { allowed: true } | { allowed: false; reason: string };

export function authorize(actor: Actor, action: Action, resource: Resource): Authorization {
  if (!(ROLES as readonly string[]).includes(actor.role)) {
    return { allowed: false, reason: `unknown role "${actor.role}" (valid: ${ROLES.join(", ")})` };
  }
  if (actor.workspaceId !== resource.workspaceId) {
    return { allowed: false, reason: `${actor.userId} belongs to another workspace` };
  }
  if (!PERMISSIONS[actor.role].has(action)) {
    return { allowed: false, reason: `role ${actor.role} may not ${action}` };
  }
  if (action === "proposals.approve" && resource.authorId && resource.authorId === actor.userId) {
    return { allowed: false, reason: `${actor.userId} cannot approve their own proposal or override` };
  }
  return { allowed: true };
}

export class AuthorizationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthorizationError";
  }
}

export function assertAuthorized(actor: Actor, action: Action, resource: Resource): void {
  const result = authorize(actor, action, resource);
  if (!result.allowed) throw new AuthorizationError(`denied ${action}: ${result.reason}`);
}
