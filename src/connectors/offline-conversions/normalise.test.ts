import { describe, expect, it } from "vitest";
import { buildDataManagerIngest } from "./google.js";
import { buildCapiEvents } from "./meta.js";
import {
  normaliseEmailForGoogle,
  normaliseEmailForMeta,
  normaliseName,
  normalisePhoneForGoogle,
  normalisePhoneForMeta,
  sha256Hex,
} from "./normalise.js";

// Test vectors from shared/research/platform-apis.md §1.6c and §2.6.
describe("normalising and hashing user data", () => {
  it("follows Google's rules (gmail dots removed, E.164 with +)", () => {
    expect(sha256Hex(normaliseEmailForGoogle(" John.Doe@Example.com "))).toBe(
      "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f",
    );
    expect(normaliseEmailForGoogle("john.doe@gmail.com")).toBe("johndoe@gmail.com");
    expect(sha256Hex(normaliseEmailForGoogle("john.doe@gmail.com"))).toBe(
      "06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3",
    );
    expect(normalisePhoneForGoogle("+1 (650) 555-1234")).toBe("+16505551234");
    expect(sha256Hex(normalisePhoneForGoogle("+1 (650) 555-1234")!)).toBe(
      "a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0",
    );
    expect(normalisePhoneForGoogle("(650) 555-1234", "1")).toBe("+16505551234");
    expect(normalisePhoneForGoogle("0044 20 7946 0958")).toBe("+442079460958");
  });

  it("follows Meta's rules (no gmail dot removal, digits with country code and no +)", () => {
    expect(normaliseEmailForMeta("John.Doe@Gmail.com ")).toBe("john.doe@gmail.com");
    expect(normalisePhoneForMeta("+1 (650) 555-1234")).toBe("16505551234");
    expect(sha256Hex(normalisePhoneForMeta("+1 (650) 555-1234")!)).toBe(
      "6069d14bf122fdfd931dc7beb58e5dfbba395b1faf05bdcd42d12358d63d8599",
    );
    expect(normaliseName(" O'Brien-Smith ")).toBe("obriensmith");
    expect(normaliseName("Zoë")).toBe("zoë");
  });

  it("builds a Data Manager events:ingest body with HEX identifiers and major-unit values", () => {
    const [body] = buildDataManagerIngest(
      [
        {
          transactionId: "hubspot-deal-98765",
          occurredAt: new Date("2026-11-20T19:32:05Z"),
          valueMinor: 480000,
          currency: "USD",
          gclid: "Cj0KCQiA4L67BhDUARIsADWrl7H",
          email: " John.Doe@Example.com ",
          phone: "+1 (650) 555-1234",
        },
      ],
      { operatingAccountId: "123-456-7890", loginAccountId: "9876543210", conversionActionId: "987654321" },
    );
    expect(body).toEqual({
      destinations: [
        {
          reference: "gads",
          operatingAccount: { accountType: "GOOGLE_ADS", accountId: "1234567890" },
          loginAccount: { accountType: "GOOGLE_ADS", accountId: "9876543210" },
          productDestinationId: "987654321",
        },
      ],
      encoding: "HEX",
      consent: { adUserData: "CONSENT_GRANTED", adPersonalization: "CONSENT_GRANTED" },
      validateOnly: false,
      events: [
        {
          transactionId: "hubspot-deal-98765",
          eventTimestamp: "2026-11-20T19:32:05Z",
          eventSource: "OTHER",
          adIdentifiers: { gclid: "Cj0KCQiA4L67BhDUARIsADWrl7H" },
          conversionValue: 4800,
          currency: "USD",
          userData: {
            userIdentifiers: [
              { emailAddress: "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f" },
              { phoneNumber: "a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0" },
            ],
          },
        },
      ],
    });
  });

  it("builds a Conversions API event for a CRM stage and splits batches at the platform limits", () => {
    const conversions = Array.from({ length: 2001 }, (_, i) => ({
      transactionId: `deal-${i}`,
      occurredAt: new Date("2026-11-20T19:32:05Z"),
      valueMinor: 480000,
      currency: "USD",
      email: "John.Doe@Example.com",
      leadId: "1234567890123456",
    }));
    const capi = buildCapiEvents(conversions, { eventName: "Converted", crmName: "HubSpot" });
    expect(capi.map((b) => (b.data as unknown[]).length)).toEqual([1000, 1000, 1]);
    expect((capi[0].data as unknown[])[0]).toEqual({
      event_name: "Converted",
      event_time: Date.parse("2026-11-20T19:32:05Z") / 1000,
      event_id: "deal-0",
      action_source: "system_generated",
      user_data: {
        em: ["836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f"],
        lead_id: "1234567890123456",
      },
      custom_data: { value: 4800, currency: "USD", event_source: "crm", lead_event_source: "HubSpot" },
    });
    expect(
      buildDataManagerIngest(conversions, { operatingAccountId: "1", conversionActionId: "2" }),
    ).toHaveLength(2);
    expect(() =>
      buildCapiEvents([{ ...conversions[0], email: undefined, leadId: undefined }], { eventName: "x" }),
    ).toThrow(/at least one identifier/);
  });
});
