import { describe, expect, it } from "vitest";
import { roleAtLeast, roleFromRefusal } from "./role.js";
import { looksLikeKey } from "./session.js";

describe("role", () => {
  it("reads the role from the API's refusal message", () => {
    expect(roleFromRefusal("role viewer may not keys.read; it needs a key with role admin or higher")).toBe(
      "viewer",
    );
    expect(roleFromRefusal("role approver may not keys.read; it needs a key with role admin")).toBe(
      "approver",
    );
    expect(roleFromRefusal("something else")).toBeNull();
    expect(roleFromRefusal("role wizard may not x")).toBeNull();
  });

  it("orders roles", () => {
    expect(roleAtLeast("admin", "approver")).toBe(true);
    expect(roleAtLeast("approver", "approver")).toBe(true);
    expect(roleAtLeast("analyst", "approver")).toBe(false);
    expect(roleAtLeast("viewer", "analyst")).toBe(false);
  });

  it("recognises the key format", () => {
    expect(looksLikeKey(`adp_${"a".repeat(16)}_${"b".repeat(64)}`)).toBe(true);
    expect(looksLikeKey("adp_123")).toBe(false);
  });
});
