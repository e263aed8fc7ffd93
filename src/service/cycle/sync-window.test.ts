import { describe, expect, it } from "vitest";
import { syncWindow } from "./sync-window.js";

const at = (iso: string) => new Date(iso);
const base = { lookbackDays: 3, refreshHours: 4 };
const last = (iso: string, date: string) => ({ instant: at(iso), date });

describe("syncWindow", () => {
  it("re-reads the whole window on the first cycle, then today only until the refresh is due", () => {
    const first = syncWindow({
      ...base,
      now: { instant: at("2025-05-01T14:00:00Z"), date: "2025-05-01" },
      lastFullSync: null,
    });
    expect(first).toEqual({ from: "2025-04-28", to: "2025-05-01", full: true });
    const soon = syncWindow({
      ...base,
      now: { instant: at("2025-05-01T17:45:00Z"), date: "2025-05-01" },
      lastFullSync: last("2025-05-01T14:00:00Z", "2025-05-01"),
    });
    expect(soon).toEqual({ from: "2025-05-01", to: "2025-05-01", full: false });
    const due = syncWindow({
      ...base,
      now: { instant: at("2025-05-01T18:00:00Z"), date: "2025-05-01" },
      lastFullSync: last("2025-05-01T14:00:00Z", "2025-05-01"),
    });
    expect(due.full).toBe(true);
  });

  it("re-reads on the first cycle of a new account-local day", () => {
    // 03:30 UTC on May 2 is still May 1 in New York: same local day, nothing due
    const sameLocalDay = syncWindow({
      ...base,
      now: { instant: at("2025-05-02T03:30:00Z"), date: "2025-05-01" },
      lastFullSync: last("2025-05-02T01:00:00Z", "2025-05-01"),
    });
    expect(sameLocalDay.full).toBe(false);
    const nextLocalDay = syncWindow({
      ...base,
      now: { instant: at("2025-05-02T04:15:00Z"), date: "2025-05-02" },
      lastFullSync: last("2025-05-02T03:30:00Z", "2025-05-01"),
    });
    expect(nextLocalDay).toEqual({ from: "2025-04-29", to: "2025-05-02", full: true });
  });

  it("re-reads every cycle with refreshHours 0, and when the clock went back", () => {
    const now = { instant: at("2025-05-01T14:15:00Z"), date: "2025-05-01" };
    expect(
      syncWindow({ ...base, refreshHours: 0, now, lastFullSync: last("2025-05-01T14:00:00Z", "2025-05-01") })
        .full,
    ).toBe(true);
    expect(syncWindow({ ...base, now, lastFullSync: last("2025-05-01T15:00:00Z", "2025-05-01") }).full).toBe(
      true,
    );
  });
});
