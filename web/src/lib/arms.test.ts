import { describe, expect, it } from "vitest";
import type { Arm } from "../api/types.js";
import { armsByChannel, formatInterval } from "./arms.js";

const arm = (armId: string, channel: string, budgetMinor: number): Arm =>
  ({ armId, channel, allocation: { cycleNo: 1, budgetMinor, share: 0 }, currentBudgetMinor: null }) as Arm;

describe("arms", () => {
  it("formats posterior intervals", () => {
    expect(formatInterval({ mean: 2.414, low: 1.9, high: 3.02 }, "ratio")).toBe("2.41 (1.90–3.02)");
    expect(formatInterval({ mean: 0.0123, low: 0.009, high: 0.016 }, "rate")).toBe("1.23% (0.90%–1.60%)");
    expect(formatInterval({ mean: 0.5, low: null, high: null }, "ratio")).toBe("0.50");
    expect(formatInterval(null, "ratio")).toBe("–");
  });

  it("groups arms by channel, largest budgets first", () => {
    const g = armsByChannel([arm("a", "social", 100), arm("b", "search", 300), arm("c", "social", 250)]);
    expect(g.map((x) => [x.channel, x.budgetMinor, x.arms.map((a) => a.armId)])).toEqual([
      ["social", 350, ["c", "a"]],
      ["search", 300, ["b"]],
    ]);
  });
});
