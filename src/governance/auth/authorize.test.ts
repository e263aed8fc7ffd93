import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  type Action,
  type Actor,
  assertAuthorized,
  authorize,
  ROLES,
  type Role,
} from "./authorize.js";

/** The full matrix: each role against each action, in its own workspace. */
const EXPECTED: Record<Role, Action[]> = {
  viewer: ["proposals.view", "overrides.view", "audit.view", "audit.verify"],
  analyst: [
    "proposals.view",
    "proposals.create",
    "overrides.view",
    "overrides.create",
    "overrides.end",
    "audit.view",
    "audit.verify",
  ],
  approver: [
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
  ],
  admin: [...ACTIONS],
};

describe("authorization matrix", () => {
  for (const role of ROLES) {
    for (const action of ACTIONS) {
      const allowed = EXPECTED[role].includes(action);
      it(`${role} ${allowed ? "may" : "may not"} ${action}; never in another workspace`, () => {
        const actor: Actor = { userId: `u-${role}`, role, workspaceId: "w1" };
        expect(authorize(actor, action, { workspaceId: "w1", authorId: "system" }).allowed).toBe(allowed);
        const cross = authorize(actor, action, { workspaceId: "w2", authorId: "system" });
        expect(cross).toEqual({ allowed: false, reason: `u-${role} belongs to another workspace` });
      });
    }
  }
  it("nobody approves their own proposal or override, not even an admin", () => {
    const admin: Actor = { userId: "ann", role: "admin", workspaceId: "w1" };
    expect(authorize(admin, "proposals.approve", { workspaceId: "w1", authorId: "ann" })).toEqual({
      allowed: false,
      reason: "ann cannot approve their own proposal or override",
    });
    expect(authorize(admin, "proposals.reject", { workspaceId: "w1", authorId: "ann" }).allowed).toBe(true);
    expect(() =>
      assertAuthorized(admin, "proposals.approve", { workspaceId: "w1", authorId: "ann" }),
    ).toThrow(/denied proposals.approve: ann cannot approve/);
  });
  it("rejects unknown roles", () => {
    const bogus = { userId: "x", role: "owner" as Role, workspaceId: "w1" };
    expect(authorize(bogus, "proposals.view", { workspaceId: "w1" }).allowed).toBe(false);
  });
});
