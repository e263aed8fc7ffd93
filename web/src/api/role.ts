import { type Api, ApiError } from "./client.js";
import { ROLE_ORDER, type Role } from "./types.js";

/**
 * The role of the key. The API has no "who am I" route yet: GET /keys is admin-only, and a refusal
 * names the caller's role ("role viewer may not keys.read ..."), so one harmless read tells it.
 */
export async function detectRole(api: Api): Promise<Role> {
  try {
    await api.get("/keys");
    return "admin";
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return roleFromRefusal(error.message) ?? "viewer";
    throw error;
  }
}

export function roleFromRefusal(message: string): Role | null {
  const match = /\brole (\w+) may not\b/.exec(message);
  const role = match?.[1] as Role | undefined;
  return role && ROLE_ORDER.includes(role) ? role : null;
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(needed);
}
