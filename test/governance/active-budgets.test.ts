import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherActiveBudgets } from "../../src/governance/context/account.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";
import { seedAccount } from "./support.js";

// The account cap (guardrails.accountDailyBudget) adds an entity's new budget to what the others may spend.
describe.each(testEngines())("the account's other active budgets on %s", (engine) => {
  let store: TestStore;
  let accountId: string;
  beforeAll(async () => {
    store = await openTestStore(engine);
    // c1: a campaign budget over ad groups that carry budgets too (as the sandbox reports them);
    // c2: no campaign budget, ad-group budgets (Meta ad-set budgets); c3 paused; c4 budget only.
    ({ accountId } = await seedAccount(store, [
      { id: "c1", budget: 10_000 },
      { id: "c2", budget: null },
      { id: "c3", budget: 50_000, status: "paused" },
      { id: "c4", budget: 4_000 },
    ]));
    const groups: [string, string, number | null, string][] = [
      ["g1", "c1", 6_000, "active"],
      ["g2", "c1", 6_000, "active"],
      ["g3", "c2", 3_000, "active"],
      ["g4", "c2", 2_000, "active"],
      ["g5", "c2", 9_000, "paused"],
      ["g6", "c3", 7_000, "active"],
    ];
    for (const [id, campaign, budget, status] of groups) {
      await store.query(
        "INSERT INTO ad_groups (account_id, external_id, campaign_external_id, status, daily_budget_minor) VALUES ($1, $2, $3, $4, $5)",
        [accountId, id, campaign, status, budget],
      );
    }
  });
  afterAll(() => store.close());

  it("counts a campaign's own budget, else its active ad groups', never both, and nothing of paused ones", async () => {
    const others = (level: "campaign" | "ad_group" | "ad", id: string) =>
      otherActiveBudgets(store, accountId, level, id);
    expect(await others("campaign", "c4")).toBe(10_000 + 5_000);
    expect(await others("campaign", "c1")).toBe(5_000 + 4_000);
    expect(await others("ad", "a1")).toBe(10_000 + 5_000 + 4_000);
    // an ad group: its campaign counts with the other ad groups only, capped by the campaign's budget
    expect(await others("ad_group", "g1")).toBe(6_000 + 5_000 + 4_000);
    expect(await others("ad_group", "g3")).toBe(10_000 + 2_000 + 4_000);
  });
});
