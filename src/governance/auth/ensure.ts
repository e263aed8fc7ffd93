import { forbidden } from "../errors.js";
import { type Action, type Actor, authorize } from "./authorize.js";

/** Throws GovernanceError("forbidden") unless `actor` may do `action` on a resource of `workspaceId`. */
export function ensureAllowed(
  actor: Actor,
  action: Action,
  workspaceId: string,
  authorId?: string | null,
): void {
  const result = authorize(actor, action, { workspaceId, authorId: authorId ?? null });
  if (!result.allowed) throw forbidden(`denied ${action}: ${result.reason}`);
}
