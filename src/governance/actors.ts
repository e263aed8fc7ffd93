import type { Actor } from "./auth/authorize.js";

/** The optimizer itself: it makes proposals but can never approve one (approvals need a person or policy). */
export const SYSTEM_USER = "system";
/** Recorded as the approver when the account's policy auto-approves a proposal. */
export const POLICY_ACTOR = "policy";
export const GUARDRAILS_ACTOR = "guardrails";

export function systemActor(workspaceId: string): Actor {
  return { userId: SYSTEM_USER, role: "analyst", workspaceId };
}
