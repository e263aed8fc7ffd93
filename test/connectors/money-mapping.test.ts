import { describe, expect, it } from "vitest";
import { GoogleAdsConnector } from "../../src/connectors/google/index.js";
import { LinkedInConnector } from "../../src/connectors/linkedin/index.js";
import { MetaConnector } from "../../src/connectors/meta/index.js";
import type { AdPlatformConnector } from "../../src/connectors/port.js";
import { TikTokConnector } from "../../src/connectors/tiktok/index.js";
import { startGoogleFake } from "../fakes/google/server.js";
import type { RunningFake } from "../fakes/http.js";
import { startLinkedInFake } from "../fakes/linkedin/server.js";
import { startMetaFake } from "../fakes/meta/server.js";
import { startTikTokFake } from "../fakes/tiktok/server.js";
import { aggregate, fakeAccount } from "../fakes/world.js";

const ID = "1234567890";

/**
 * One account served by four fakes in four money formats — Google micros strings, Meta decimal
 * strings and budgets in cents, TikTok decimal strings and budgets in major units, LinkedIn decimal
 * strings with ~20 fractional digits — must land as the same integer minor units on the same
 * account-local dates.
 */
describe.each(["USD", "JPY", "KWD"])("money and time-zone mapping in %s", (currency) => {
  it("every platform's report lands as the same minor units on the same local dates", async () => {
    const account = () =>
      fakeAccount({
        id: ID,
        currency,
        timeZone: "Pacific/Auckland",
        from: "2026-11-01",
        to: "2026-11-03",
        seed: 11,
      });
    const fakes: RunningFake[] = [];
    try {
      const google = await startGoogleFake({ accounts: [account()] });
      const meta = await startMetaFake({ accounts: [account()] });
      const tiktok = await startTikTokFake({ accounts: [account()] });
      const linkedin = await startLinkedInFake({ accounts: [account()] });
      fakes.push(google, meta, tiktok, linkedin);
      const connectors: [AdPlatformConnector, string][] = [
        [new GoogleAdsConnector({ baseUrl: google.origin, accessToken: "ya29.valid" }), ID],
        [new MetaConnector({ baseUrl: meta.origin, accessToken: "EAAB-valid" }), `act_${ID}`],
        [new TikTokConnector({ baseUrl: tiktok.origin, accessToken: "act.valid", advertiserIds: [ID] }), ID],
        [new LinkedInConnector({ baseUrl: linkedin.origin, accessToken: "AQV-valid" }), ID],
      ];
      const expected = aggregate(account(), "campaign", "2026-11-01", "2026-11-03", false).map((r) => ({
        date: r.date,
        campaignId: r.entityId,
        costMinor: r.totals.costMinor,
        revenueMinor: r.totals.revenueMinor,
        impressions: r.totals.impressions,
      }));
      for (const [connector, externalId] of connectors) {
        const facts = await connector.fetchPerformance({
          accountExternalId: externalId,
          from: "2026-11-01",
          to: "2026-11-03",
          granularity: "day",
          level: "campaign",
        });
        const got = facts
          .map((f) => ({
            date: f.date,
            campaignId: f.campaignId,
            costMinor: f.costMinor,
            revenueMinor: f.revenueMinor,
            impressions: f.impressions,
          }))
          .sort((a, b) => (a.date + a.campaignId).localeCompare(b.date + b.campaignId));
        expect(got, connector.platform).toEqual(expected);
        expect(new Set(facts.map((f) => f.currency))).toEqual(new Set([currency]));
        const budgets = (await connector.listEntities(externalId))
          .filter((e) => e.level === "campaign")
          .map((e) => e.dailyBudgetMinor);
        expect(budgets, connector.platform).toEqual(account().campaigns.map((c) => c.dailyBudgetMinor));
      }
    } finally {
      await Promise.all(fakes.map((f) => f.close()));
    }
  });
});
