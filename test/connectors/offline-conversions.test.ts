import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenSource } from "../../src/connectors/http/index.js";
import { recordDealLink } from "../../src/connectors/hubspot/index.js";
import {
  pipelineConversions,
  uploadToGoogle,
  uploadToMeta,
} from "../../src/connectors/offline-conversions/index.js";
import { type GoogleFake, startGoogleFake } from "../fakes/google/server.js";
import { type MetaFake, startMetaFake } from "../fakes/meta/server.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

describe.each(testEngines())("offline conversion uploads on %s", (engine) => {
  let store: TestStore;
  let google: GoogleFake;
  let meta: MetaFake;
  // the Conversions API refuses events older than 7 days: use the real clock
  const occurredAt = new Date(Date.now() - 3_600_000);
  beforeAll(async () => {
    store = await openTestStore(engine);
    google = await startGoogleFake({ accounts: [], accessTokens: ["ya29.dm"] });
    meta = await startMetaFake({ accounts: [] });
    await store.query(
      `INSERT INTO pipeline_events (deal_id, stage, value_minor, currency, occurred_at, click_ids, utm)
       VALUES ('98765', 'closedwon', 700000, 'AED', $1, '{"gclid":"Cj0KCQiA4L67","fbclid":"IwAR2abc"}', '{}'),
              ('11111', 'closedwon', NULL, NULL, $1, '{}', '{}')`,
      [occurredAt],
    );
    await recordDealLink(store, { dealId: "98765" });
  });
  afterAll(async () => {
    await google.close();
    await meta.close();
    await store.close();
  });

  it("reads closed deals with click ids; a predicted value can replace the deal value", async () => {
    const since = new Date(Date.now() - 86_400_000);
    const won = await pipelineConversions(store, { stage: "closedwon", since });
    expect(won).toEqual([
      expect.objectContaining({
        transactionId: "deal-98765:closedwon",
        valueMinor: 700000,
        currency: "AED",
        gclid: "Cj0KCQiA4L67",
      }),
    ]);
    const predicted = await pipelineConversions(store, {
      stage: "closedwon",
      since,
      valueFor: () => 123,
      defaultCurrency: "AED",
    });
    expect(predicted.map((c) => c.valueMinor)).toEqual([123, 123]);
  });

  it("shadow mode (the default) logs the payloads and sends nothing", async () => {
    const conversions = await pipelineConversions(store, { stage: "closedwon", since: new Date(0) });
    const logged: unknown[] = [];
    const result = await uploadToGoogle(conversions, {
      store,
      baseUrl: google.origin,
      operatingAccountId: "1234567890",
      conversionActionId: "987654321",
      log: { info: (o) => void logged.push(o) },
    });
    expect(result).toMatchObject({ mode: "shadow", batches: 1, events: 1 });
    expect(google.requests).toHaveLength(0);
    expect(logged).toHaveLength(1);
    const [row] = await store.query<{
      mode: string;
      status: string;
      payload: { events: { conversionValue: number }[] };
    }>("SELECT mode, status, payload FROM offline_conversion_uploads WHERE id = $1", [result.logIds[0]]);
    expect(row).toMatchObject({ mode: "shadow", status: "logged" });
    expect(row.payload.events[0].conversionValue).toBe(7000);
  });

  it("live mode sends to the Data Manager API and the Conversions API and logs their answers", async () => {
    const conversions = [
      {
        transactionId: "deal-98765:closedwon",
        occurredAt,
        valueMinor: 700000,
        currency: "AED",
        gclid: "Cj0KCQiA4L67",
        fbclid: "IwAR2abc",
        email: "Jane.Roe@gmail.com",
        phone: "+971 50 123 4567",
      },
    ];
    const g = await uploadToGoogle(conversions, {
      store,
      mode: "live",
      baseUrl: google.origin,
      tokens: new TokenSource({ accessToken: "ya29.dm", expiresAt: null }, null),
      operatingAccountId: "1234567890",
      conversionActionId: "987654321",
    });
    expect(g.responses).toEqual([{ requestId: "dm-1" }]);
    expect(google.ingested).toHaveLength(1);
    const m = await uploadToMeta(conversions, {
      store,
      mode: "live",
      baseUrl: meta.origin,
      accessToken: "EAAB-valid",
      pixelId: "555",
      eventName: "Purchase",
      crmName: "HubSpot",
    });
    expect(m.responses).toEqual([expect.objectContaining({ events_received: 1, messages: [] })]);
    expect(meta.capiEvents).toEqual([
      expect.objectContaining({
        event_name: "Purchase",
        action_source: "system_generated",
        user_data: expect.objectContaining({ fbc: `fb.1.${occurredAt.getTime()}.IwAR2abc` }),
      }),
    ]);
    const statuses = await store.query<{ platform: string; status: string }>(
      "SELECT platform, status FROM offline_conversion_uploads WHERE mode = 'live' ORDER BY id",
    );
    expect(statuses).toEqual([
      { platform: "google", status: "sent" },
      { platform: "meta", status: "sent" },
    ]);
  });

  it("logs a failed live upload and surfaces the platform's reason", async () => {
    const stale = [
      {
        transactionId: "old",
        occurredAt: new Date(Date.now() - 30 * 86_400_000),
        valueMinor: 1,
        currency: "USD",
        email: "a@b.c",
      },
    ];
    await expect(
      uploadToMeta(stale, {
        store,
        mode: "live",
        baseUrl: meta.origin,
        accessToken: "EAAB-valid",
        pixelId: "555",
        eventName: "Purchase",
      }),
    ).rejects.toThrow(/event_time must be Unix seconds within the last 7 days/);
    const [row] = await store.query<{ status: string; error: string }>(
      "SELECT status, error FROM offline_conversion_uploads ORDER BY id DESC LIMIT 1",
    );
    expect(row.status).toBe("failed");
  });
});
