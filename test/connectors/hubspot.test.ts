import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  hubspotWebhookPlugin,
  recordDealLink,
  signatureV3,
  verifySignatureV3,
  webhookCounters,
} from "../../src/connectors/hubspot/index.js";
import { ensureAdAccount } from "../../src/connectors/sync.js";
import { upsertConnectorEntities } from "../../src/store/synced-data.js";
import { dealStageEvents, signedDelivery } from "../fakes/hubspot/sender.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

const SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
const ORIGIN = "https://autopilot.example.com";
const URI = `${ORIGIN}/webhooks/hubspot`;

describe("HubSpot v3 signature", () => {
  it("matches the documented test vector", () => {
    const body =
      '[{"eventId":1001,"subscriptionId":2245,"portalId":62515,"appId":54321,"occurredAt":1763798395000,"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":98765,"propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM_UI","sourceId":"userId:1234567"}]';
    const request = { method: "POST", uri: URI, body, timestamp: "1763798400000" };
    expect(signatureV3(SECRET, request)).toBe("10XCrQTrA+3TaRq9dNDu9TD93QnoaeArAR2igA6ntn4=");
    expect(
      verifySignatureV3(
        SECRET,
        request,
        "10XCrQTrA+3TaRq9dNDu9TD93QnoaeArAR2igA6ntn4=",
        1763798400000 + 299_000,
      ),
    ).toEqual({ ok: true });
    expect(
      verifySignatureV3(
        SECRET,
        request,
        "10XCrQTrA+3TaRq9dNDu9TD93QnoaeArAR2igA6ntn4=",
        1763798400000 + 301_000,
      ),
    ).toEqual({
      ok: false,
      reason: "stale",
    });
    expect(
      verifySignatureV3(
        SECRET,
        { ...request, body: `${body} ` },
        signatureV3(SECRET, request),
        1763798400000,
      ),
    ).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });
});

describe.each(testEngines())("HubSpot deal-stage webhook on %s", (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  const now = Date.parse("2026-11-22T08:00:00Z");
  beforeAll(async () => {
    store = await openTestStore(engine);
    const accountId = await ensureAdAccount(store, "google", {
      externalId: "1234567890",
      name: "Search",
      currency: "AED",
      timeZone: "Asia/Dubai",
    });
    await store.transaction((s) =>
      upsertConnectorEntities(s, accountId, [
        {
          level: "campaign",
          externalId: "55",
          parentExternalId: null,
          name: "c",
          status: "active",
          dailyBudgetMinor: 1000,
          bidMinor: null,
          channel: "search",
        },
        {
          level: "ad_group",
          externalId: "66",
          parentExternalId: "55",
          name: "g",
          status: "active",
          dailyBudgetMinor: null,
          bidMinor: null,
          channel: null,
        },
        {
          level: "ad",
          externalId: "777",
          parentExternalId: "66",
          name: "a",
          status: "active",
          dailyBudgetMinor: null,
          bidMinor: null,
          channel: null,
        },
      ]),
    );
    // deal 98765 came from a click on ad 777 (utm_content), with its gclid; deal 11111 has no trace
    await recordDealLink(store, {
      dealId: "98765",
      clickIds: { gclid: "Cj0KCQiA4L67" },
      utm: { source: "google", medium: "cpc", content: "777" },
      valueMinor: 700_000,
      currency: "AED",
    });
    app = Fastify();
    await app.register(hubspotWebhookPlugin, {
      store,
      clientSecret: SECRET,
      publicOrigin: ORIGIN,
      now: () => now,
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const post = (delivery: { headers: Record<string, string>; body: string }) =>
    app.inject({
      method: "POST",
      url: "/webhooks/hubspot",
      headers: delivery.headers,
      payload: delivery.body,
    });
  const events = () =>
    store.query<{
      deal_id: string;
      stage: string;
      ad_id: string | null;
      value_minor: number | null;
      click_ids: unknown;
    }>("SELECT deal_id, stage, ad_id, value_minor, click_ids FROM pipeline_events ORDER BY occurred_at");

  it("turns signed deal-stage changes into pipeline events linked to the deal's ad; unmapped deals are kept and counted", async () => {
    const delivery = signedDelivery({
      clientSecret: SECRET,
      uri: URI,
      timestamp: now - 1000,
      events: dealStageEvents([
        { eventId: 2, dealId: 98765, stage: "closedwon", occurredAt: now - 5000 },
        { eventId: 1, dealId: 98765, stage: "contractsent", occurredAt: now - 90_000, generic: true },
        { eventId: 3, dealId: 11111, stage: "qualifiedtobuy", occurredAt: now - 4000 },
      ]),
    });
    const response = await post(delivery);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: 3, duplicates: 0, mapped: 2, unmapped: 1, ignored: 0 });
    expect(await events()).toEqual([
      {
        deal_id: "98765",
        stage: "contractsent",
        ad_id: "777",
        value_minor: 700_000,
        click_ids: { gclid: "Cj0KCQiA4L67" },
      },
      {
        deal_id: "98765",
        stage: "closedwon",
        ad_id: "777",
        value_minor: 700_000,
        click_ids: { gclid: "Cj0KCQiA4L67" },
      },
      { deal_id: "11111", stage: "qualifiedtobuy", ad_id: null, value_minor: null, click_ids: {} },
    ]);
  });

  it("recognises a retried delivery and stores nothing twice", async () => {
    const retry = signedDelivery({
      clientSecret: SECRET,
      uri: URI,
      timestamp: now,
      events: dealStageEvents([
        { eventId: 2, dealId: 98765, stage: "closedwon", occurredAt: now - 5000, attemptNumber: 1 },
      ]),
    });
    const response = await post(retry);
    expect(response.json()).toMatchObject({ received: 1, duplicates: 1 });
    expect(await events()).toHaveLength(3);
  });

  it("rejects a replayed delivery with a stale timestamp and one with a bad signature", async () => {
    const old = signedDelivery({
      clientSecret: SECRET,
      uri: URI,
      timestamp: now - 6 * 60_000,
      events: dealStageEvents([{ eventId: 9, dealId: 98765, stage: "closedlost", occurredAt: now }]),
    });
    const stale = await post(old);
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error).toContain("stale");
    const forged = signedDelivery({
      clientSecret: "not-the-secret",
      uri: URI,
      timestamp: now,
      events: dealStageEvents([{ eventId: 10, dealId: 98765, stage: "closedlost", occurredAt: now }]),
    });
    expect((await post(forged)).statusCode).toBe(401);
    const tampered = signedDelivery({ clientSecret: SECRET, uri: URI, timestamp: now, events: [] });
    expect(
      (
        await post({
          ...tampered,
          body: JSON.stringify(dealStageEvents([{ eventId: 11, dealId: 1, stage: "x", occurredAt: now }])),
        })
      ).statusCode,
    ).toBe(401);
    expect(await events()).toHaveLength(3);
    expect(await webhookCounters(store)).toEqual({
      received: 4,
      duplicates: 1,
      mapped: 2,
      unmapped: 1,
      rejected_stale: 1,
      rejected_signature: 2,
    });
  });
});
