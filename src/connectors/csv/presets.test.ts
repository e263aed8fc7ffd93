import { describe, expect, it } from "vitest";
import { describePresets, detectPreset } from "./presets.js";
import { readText } from "./test-support.js";

describe("platform presets", () => {
  it("google-ads: title lines, dashed customer id, cost in micros, '--' as 0, total lines skipped", async () => {
    const text = [
      "Campaign report",
      '"January 15, 2024 - January 16, 2024"',
      "Day,Customer ID,Campaign ID,Campaign,Ad group,Impr.,Clicks,Cost (micros),Conv.,Conv. value,Currency code",
      "2024-01-15,123-456-7890,55,Brand,Exact,1000,80,25310000,4.5,--,USD",
      '"Jan 16, 2024",123-456-7890,55,Brand,Exact,"1,200",90,1000000,--,480.00,JPY',
      "Total: Account,,,,,2200,170,26310000,4.5,480.00,",
    ].join("\n");
    const { rows, rejections } = await readText(text);
    expect(rejections).toEqual([]);
    expect(rows).toEqual([
      expect.objectContaining({
        line: 4,
        date: "2024-01-15",
        platform: "google",
        accountId: "1234567890",
        campaignId: "55",
        campaignName: "Brand",
        adGroupName: "Exact",
        impressions: 1000,
        costMinor: 2531,
        conversions: 4.5,
        revenueMinor: 0,
        currency: "USD",
      }),
      expect.objectContaining({
        line: 5,
        date: "2024-01-16",
        impressions: 1200,
        costMinor: 1,
        currency: "JPY",
      }),
    ]);
  });

  it("meta: the currency comes from 'Amount spent (EUR)', blank results are 0", async () => {
    const text =
      "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Impressions,Link clicks,Amount spent (EUR),Results,Purchases conversion value\n" +
      "2024-05-01,2024-05-01,Spring,Lookalike,Video 1,5000,,42.10,,\n";
    const { rows } = await readText(text, { account: "act_1" });
    expect(rows[0]).toMatchObject({
      platform: "meta",
      accountId: "act_1",
      campaignName: "Spring",
      adGroupName: "Lookalike",
      adName: "Video 1",
      clicks: 0,
      costMinor: 4210,
      conversions: 0,
      currency: "EUR",
    });
  });

  it("tiktok: API names, date-time days and '-' as 0", async () => {
    const text =
      "stat_time_day,advertiser_id,campaign_id,campaign_name,spend,impressions,clicks,conversion\n" +
      "2026-11-18 00:00:00,7012345678901234567,1790000000000001,TT - Prospecting,142.50,12500,-,-\n";
    const { rows } = await readText(text);
    expect(rows[0]).toMatchObject({
      date: "2026-11-18",
      platform: "tiktok",
      accountId: "7012345678901234567",
      campaignId: "1790000000000001",
      costMinor: 14250,
      clicks: 0,
      conversions: 0,
    });
  });

  it("linkedin: month-first dates and long decimal cost strings", async () => {
    const text =
      "Start Date (in UTC),Account ID,Campaign ID,Campaign Name,Total Spent,Impressions,Clicks,Conversions\n" +
      "11/05/2026,502840441,340291234,Q4 ABM,118.4000000000000341061,12040,640,58\n";
    const { rows } = await readText(text);
    expect(rows[0]).toMatchObject({
      date: "2026-11-05",
      platform: "linkedin",
      costMinor: 11840,
      conversions: 58,
    });
  });

  it("auto-detects the preset from the header, else standard", () => {
    expect(detectPreset(["Day", "Campaign", "Impr.", "Cost", "Conv."])).toBe("google-ads");
    expect(detectPreset(["Reporting starts", "Amount spent (USD)"])).toBe("meta");
    expect(detectPreset(["stat_time_day", "spend"])).toBe("tiktok");
    expect(detectPreset(["Start Date (in UTC)", "Total Spent"])).toBe("linkedin");
    expect(detectPreset(["date", "platform", "cost"])).toBe("standard");
  });

  it("describes every preset with its columns", () => {
    const presets = describePresets();
    expect(presets.map((p) => p.name)).toEqual(["standard", "google-ads", "meta", "tiktok", "linkedin"]);
    expect(presets[1].columns).toContain("Cost (micros) → cost (micros)");
    expect(presets[0].columns).toContain("currency (optional)");
  });
});
