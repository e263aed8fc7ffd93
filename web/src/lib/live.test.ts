import { describe, expect, it } from "vitest";
import type { ServiceEvent } from "../api/types.js";
import { describeEvent, FEED_SIZE, initialLive, liveReducer } from "./live.js";

const ev = (id: number, type: string, data: Record<string, unknown> = {}): ServiceEvent => ({
  id,
  type,
  workspaceId: "demo",
  accountId: "a",
  at: "2025-03-01T00:00:00.000Z",
  data,
});

describe("live feed", () => {
  it("keeps newest first, drops replayed duplicates and bumps the topic", () => {
    let s = liveReducer(initialLive, { type: "event", event: ev(1, "decision.recorded") });
    s = liveReducer(s, { type: "event", event: ev(2, "proposal.created") });
    const again = liveReducer(s, { type: "event", event: ev(2, "proposal.created") });
    expect(again).toBe(s);
    expect(s.events.map((e) => e.id)).toEqual([2, 1]);
    expect(s.lastId).toBe(2);
    expect(s.versions.decisions).toBe(1);
    expect(s.versions.proposals).toBe(1);
    expect(s.versions.alerts).toBe(0);
  });

  it("is bounded", () => {
    let s = initialLive;
    for (let i = 1; i <= FEED_SIZE + 5; i++)
      s = liveReducer(s, { type: "event", event: ev(i, "cycle.started") });
    expect(s.events).toHaveLength(FEED_SIZE);
    expect(s.events[0].id).toBe(FEED_SIZE + 5);
  });

  it("tracks the connection", () => {
    const s = liveReducer(initialLive, { type: "connection", state: "open" });
    expect(s.connection).toBe("open");
    expect(liveReducer(s, { type: "connection", state: "open" })).toBe(s);
  });

  it("describes events in words", () => {
    expect(
      describeEvent(
        ev(1, "decision.recorded", { action: "SCALE", armId: "c1", confidence: 0.92, reason: "ROAS high" }),
      ),
    ).toBe("scale c1 (92%): ROAS high");
    expect(describeEvent(ev(1, "proposal.approved", { proposalId: 7, entityId: "c1", by: "key:ab" }))).toBe(
      "proposal 7 approved (c1) by key:ab",
    );
    expect(describeEvent(ev(1, "cycle.completed", { cycleNo: 3, proposals: 2, applied: 1 }))).toBe(
      "cycle 3 done: 2 proposals, 1 applied",
    );
  });
});
