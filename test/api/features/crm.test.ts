import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crmRoutes } from "../../../src/api/features/crm.js";
import { buildApiServer } from "../../../src/api/index.js";
import { createEventBus } from "../../../src/service/event-bus.js";
import { mountWebhooks } from "../../../src/service/webhooks.js";
import { dealStageEvents, signedDelivery } from "../../fakes/hubspot/sender.js";
import { openTestStore, type TestStore, testEngines } from "../../support/stores.js";
import { bearer, NOW, seedWorkspace, type Workspace } from "./fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
type Json = Record<string, any>;

const SECRET = "crm-test-client-secret";
const ORIGIN = "https://autopilot.example.com";

describe.each(testEngines())("CRM deal links and the mounted HubSpot webhook on %s", (engine) => {
  let store: TestStore;
  let app: FastifyInstance;
  let a: Workspace;
  let b: Workspace;
  let mounted: string[];
  beforeAll(async () => {
    store = await openTestStore(engine);
    a = await seedWorkspace(store, "acme", "acc_a");
    b = await seedWorkspace(store, "other", "acc_b");
    app = await buildApiServer({ store, events: createEventBus(), clock: () => NOW, routes: [crmRoutes] });
    mounted = await mountWebhooks(
      app,
      store,
      {
        ADPILOT_HUBSPOT_CLIENT_SECRET: SECRET,
        ADPILOT_HUBSPOT_WORKSPACE: "acme",
        ADPILOT_PUBLIC_URL: ORIGIN,
      },
      () => NOW.getTime(),
    );
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const call = async (method: "GET" | "PUT", url: string, key: string, payload?: object) => {
    const res = await app.inject({ method, url, payload, headers: bearer(key) });
    return { status: res.statusCode, body: res.json() as Json };
  };
  const links = () =>
    store.query(
      "SELECT workspace_id, deal_id, account_id, ad_id, click_ids, utm, value_minor FROM crm_deal_links ORDER BY deal_id",
    );

  it("refuses bad links with the field at fault and writes none of the batch", async () => {
    const good = { dealId: "d-1", accountId: "acc_a", adId: "777", clickIds: { gclid: "Cj0K" } };
    const cases: [object[], string, number, string][] = [
      [[good, { dealId: "d-2", accountId: "acc_b" }], "analyst", 404, "body.links.1.accountId"],
      [[good, { dealId: "d-2", value: "7000.00" }], "analyst", 400, "body.links.1.currency"],
      [[good, { dealId: "d-2", value: "12,5", currency: "AED" }], "analyst", 400, "body.links.1.value"],
      [[good, { dealId: "d-2", clickIds: { msclkid: "x" } }], "analyst", 400, "body.links.1.clickIds"],
      [[good], "viewer", 403, ""],
    ];
    for (const [batch, role, status, field] of cases) {
      const res = await call("PUT", "/crm/deal-links", a.keys[role as "analyst"], { links: batch });
      expect(res.status, JSON.stringify(batch)).toBe(status);
      if (field) expect(res.body.error.field).toBe(field);
    }
    expect(await links()).toEqual([]);
  });

  it("stores links per workspace; a signed deal-stage change is credited to the linked ad with the deal's value", async () => {
    expect(mounted).toEqual(["/webhooks/hubspot"]);
    const stored = await call("PUT", "/crm/deal-links", a.keys.analyst, {
      links: [
        {
          dealId: "98765",
          accountId: "acc_a",
          adId: "777",
          clickIds: { gclid: "Cj0KCQiA4L67" },
          utm: { source: "google", medium: "cpc" },
          value: "7000.00",
          currency: "AED",
        },
        { dealId: "55555", utm: { campaign: "spring" } },
      ],
    });
    expect(stored).toEqual({ status: 200, body: { stored: 2 } });
    // Workspace b's link for the same deal id stays b's.
    await call("PUT", "/crm/deal-links", b.keys.admin, { links: [{ dealId: "98765", adId: "999" }] });
    expect((await links()).map((l) => [l.workspace_id, l.deal_id, l.ad_id, l.value_minor])).toEqual([
      ["acme", "55555", null, null],
      ["acme", "98765", "777", 700_000],
      ["other", "98765", "999", null],
    ]);

    const delivery = signedDelivery({
      clientSecret: SECRET,
      uri: `${ORIGIN}/webhooks/hubspot`,
      timestamp: NOW.getTime() - 1000,
      events: dealStageEvents([
        { eventId: 1, dealId: 98765, stage: "closedwon", occurredAt: NOW.getTime() - 5000 },
        { eventId: 2, dealId: 11111, stage: "qualifiedtobuy", occurredAt: NOW.getTime() - 4000 },
      ]),
    });
    const hook = await app.inject({
      method: "POST",
      url: "/webhooks/hubspot",
      headers: delivery.headers,
      payload: delivery.body,
    });
    expect(hook.statusCode).toBe(200);
    expect(hook.json()).toMatchObject({ received: 2, mapped: 1, unmapped: 1 });
    const events = await store.query<{ deal_id: string; ad_id: string | null; value_minor: number | null }>(
      "SELECT deal_id, ad_id, value_minor FROM pipeline_events ORDER BY deal_id",
    );
    expect(
      events.map((e) => [e.deal_id, e.ad_id, e.value_minor === null ? null : Number(e.value_minor)]),
    ).toEqual([
      ["11111", null, null],
      ["98765", "777", 700_000],
    ]);

    const tampered = await app.inject({
      method: "POST",
      url: "/webhooks/hubspot",
      headers: delivery.headers,
      payload: delivery.body.replace("closedwon", "closedlost"),
    });
    expect(tampered.statusCode).toBe(401);

    const stats = await call("GET", "/crm/stats", a.keys.viewer);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      source: "hubspot",
      dealLinks: 2,
      counters: { mapped: 1, unmapped: 1 },
    });
    expect((await call("GET", "/crm/stats", b.keys.viewer)).body).toMatchObject({
      dealLinks: 1,
      counters: {},
    });
  });

  it("serves no webhook route when no client secret is configured", async () => {
    const bare = await buildApiServer({ store, events: createEventBus(), clock: () => NOW });
    try {
      expect(await mountWebhooks(bare, store, {})).toEqual([]);
      const res = await bare.inject({ method: "POST", url: "/webhooks/hubspot", payload: "[]" });
      expect(res.statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
