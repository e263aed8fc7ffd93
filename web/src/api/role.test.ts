import { describe, expect, it } from "vitest";
import { roleAtLeast } from "./role.js";
import { looksLikeKey } from "./session.js";

describe("role", () => {
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
