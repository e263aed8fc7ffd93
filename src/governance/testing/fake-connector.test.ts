import { describe, expect, it } from "vitest";
import { ConnectorFailure, type EntityChange } from "../../connectors/port.js";
import { FakeConnector } from "./fake-connector.js";

const account = { externalId: "act1", name: "A", currency: "USD", timeZone: "UTC" };
const entity = {
  level: "campaign" as const,
  externalId: "c1",
  parentExternalId: null,
  name: "C1",
  status: "active" as const,
  dailyBudgetMinor: 10_000,
  bidMinor: null,
  channel: "search",
};
const change = (key: string, dailyBudgetMinor: number): EntityChange => ({
  kind: "daily_budget",
  accountExternalId: "act1",
  level: "campaign",
  entityExternalId: "c1",
  value: { dailyBudgetMinor },
  idempotencyKey: key,
});

describe("FakeConnector (the port's contract)", () => {
  it("applies once per idempotency key", async () => {
    const fake = new FakeConnector(account, [entity]);
    const first = await fake.applyChange(change("k1", 10_500));
    const again = await fake.applyChange(change("k1", 10_500));
    expect(again).toBe(first);
    expect(fake.timesApplied("k1")).toBe(1);
    expect(fake.entity("c1")?.dailyBudgetMinor).toBe(10_500);
  });
  it("throws typed failures, and a lost response still made the change", async () => {
    const fake = new FakeConnector(account, [entity]);
    fake.injectFaults("transient", "lost_response");
    await expect(fake.applyChange(change("k1", 10_500))).rejects.toMatchObject({
      kind: "transient",
      transient: true,
    });
    expect(fake.timesApplied("k1")).toBe(0);
    await expect(fake.applyChange(change("k1", 10_500))).rejects.toBeInstanceOf(ConnectorFailure);
    expect(fake.timesApplied("k1")).toBe(1);
    await expect(fake.applyChange({ ...change("k2", 1), entityExternalId: "nope" })).rejects.toMatchObject({
      kind: "not_found",
    });
  });
});
