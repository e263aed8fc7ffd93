import { describe, expect, it } from "vitest";
import { defaultAccountConfig } from "./account-config.js";
import { getConfigValue, setConfigValue } from "./account-config-edit.js";

describe("editing account configuration", () => {
  const base = defaultAccountConfig();
  it("sets nested keys from text and keeps the rest", () => {
    const next = setConfigValue(base, "guardrails.velocity6h", "0.15");
    expect(next.guardrails.velocity6h).toBe(0.15);
    expect(next.guardrails.velocity24h).toBe(0.5);
    expect(getConfigValue(setConfigValue(base, "mode", "canary"), "mode")).toBe("canary");
    expect(setConfigValue(base, "targetCac", "45").targetCac).toBe(45);
    expect(setConfigValue(base, "guardrails.budgetFuzz.enabled", "true").guardrails.budgetFuzz.enabled).toBe(
      true,
    );
  });
  it("names the key and the allowed values when the value is wrong", () => {
    expect(() => setConfigValue(base, "mode", "yolo")).toThrow(
      /invalid value "yolo" for mode: expected one of "shadow", "canary", "live"/,
    );
    expect(() => setConfigValue(base, "guardrails.velocity6h", "2")).toThrow(
      /invalid value "2" for guardrails.velocity6h: expected a number >= 0 and <= 1/,
    );
    expect(() => setConfigValue(base, "killRoas", "abc")).toThrow(/for killRoas: expected a number >= 0/);
  });
  it("lists close keys for an unknown one", () => {
    expect(() => setConfigValue(base, "velocity6h", "0.1")).toThrow(
      /unknown configuration key "velocity6h". Did you mean guardrails.velocity6h/,
    );
  });
});
