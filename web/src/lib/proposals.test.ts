import { describe, expect, it } from "vitest";
import type { Proposal } from "../api/types.js";
import { describeChange, expiresIn, keepPresent, pendingQueue, toggle, withoutDecided } from "./proposals.js";

const p = (id: number, status: string, createdAt: string, extra: Partial<Proposal> = {}): Proposal =>
  ({ id, status, createdAt, before: {}, after: {}, ...extra }) as Proposal;

describe("approval queue", () => {
  const all = [p(3, "proposed", "2025-03-02"), p(1, "applied", "2025-03-01"), p(2, "proposed", "2025-03-01")];

  it("keeps proposed ones, oldest first", () => {
    expect(pendingQueue(all).map((x) => x.id)).toEqual([2, 3]);
  });

  it("drops decided ones at once and prunes the selection", () => {
    const queue = pendingQueue(all);
    expect(withoutDecided(queue, [2]).map((x) => x.id)).toEqual([3]);
    const selected = toggle(toggle(new Set(), 2), 3);
    expect([...selected]).toEqual([2, 3]);
    expect([...toggle(selected, 2)]).toEqual([3]);
    expect([...keepPresent(selected, withoutDecided(queue, [2]))]).toEqual([3]);
  });

  it("describes non-budget changes and expiry", () => {
    expect(
      describeChange(p(1, "proposed", "", { before: { status: "active" }, after: { status: "paused" } })),
    ).toEqual({
      before: "active",
      after: "paused",
    });
    const now = new Date("2025-03-01T00:00:00Z");
    expect(expiresIn("2025-03-01T02:30:00Z", now)).toBe("2 h 30 min");
    expect(expiresIn("2025-03-01T00:10:00Z", now)).toBe("10 min");
    expect(expiresIn("2025-02-28T00:00:00Z", now)).toBe("expired");
  });
});
