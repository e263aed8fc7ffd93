// Every public sample in ../shared/data/ads imports with its documented options, and its totals equal an
// independent computation from the raw text (plain string splitting, no code from the importer).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readImportFile } from "./reader.js";
import { type SampleTotals, SHIPPED_SAMPLES } from "./samples.js";
import type { RowRejection, StandardRow } from "./types.js";

const DATA = join(import.meta.dirname, "../../../../shared/data/ads");

async function importSample(folder: string) {
  const sample = SHIPPED_SAMPLES.find((s) => s.folder === folder)!;
  const rows: StandardRow[] = [];
  const rejections: RowRejection[] = [];
  for await (const event of readImportFile(join(DATA, folder, sample.file), sample.options)) {
    if (event.kind === "row") rows.push(event.row);
    else rejections.push(event.rejection);
  }
  const totals: SampleTotals = {
    rows: rows.length,
    rejections: rejections.length,
    impressions: sum(rows.map((r) => r.impressions)),
    clicks: sum(rows.map((r) => r.clicks)),
    costMinor: sum(rows.map((r) => r.costMinor)),
    conversions: sum(rows.map((r) => r.conversions)),
    revenueMinor: sum(rows.map((r) => r.revenueMinor)),
  };
  return { sample, rows, rejections, totals };
}

/** The data lines of a sample as arrays of cells: none of the samples quotes a comma. */
function rawTable(folder: string, file: string): { header: string[]; lines: string[][] } {
  const text = readFileSync(join(DATA, folder, file), "utf8").replace(/^\uFEFF/, "");
  const [head, ...rest] = text.split(/\r?\n/).filter((l) => l !== "");
  const cells = (l: string) => l.split(",").map((c) => c.replace(/^"|"$/g, ""));
  return { header: cells(head), lines: rest.map(cells) };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const cents = (text: string) => Math.round(Number(text) * 100);

function column(table: { header: string[]; lines: string[][] }, name: string): string[] {
  const index = table.header.indexOf(name);
  if (index < 0) throw new Error(`no column ${name}`);
  return table.lines.map((l) => l[index]);
}

describe("shipped samples", () => {
  it("multiplatform_ad_report_sample: 16 rows over three platforms, totals by hand", async () => {
    const { totals, rows, sample } = await importSample("multiplatform_ad_report_sample");
    const raw = rawTable(sample.folder, sample.file);
    expect(totals).toEqual({
      rows: 16,
      rejections: 0,
      impressions: sum(column(raw, "impressions").map(Number)),
      clicks: sum(column(raw, "clicks").map(Number)),
      costMinor: sum(column(raw, "spend").map(cents)),
      conversions: sum(column(raw, "conversions").map(Number)),
      revenueMinor: sum(column(raw, "conversions_value").map(cents)),
    });
    expect(totals).toEqual(sample.expected);
    expect(new Set(rows.map((r) => r.platform))).toEqual(new Set(["google", "meta", "tiktok"]));
    expect(rows[0]).toMatchObject({
      line: 2,
      date: "2025-08-10",
      platform: "google",
      accountId: "ACC001",
      campaignId: "CAM101",
      adGroupId: "AG201",
      adId: "AD301",
      campaignName: "Back to School",
      adGroupName: "Search - Brand",
      adName: "Brand Text Ad",
      costMinor: 10500,
      revenueMinor: 30000,
      currency: "USD",
    });
  });

  it("global_ads_performance: 1,800 rows, spend ≈ 11.11M and revenue ≈ 54.18M as the README says", async () => {
    const { totals, rows, sample } = await importSample("global_ads_performance");
    const raw = rawTable(sample.folder, sample.file);
    expect(totals).toEqual({
      rows: 1800,
      rejections: 0,
      impressions: sum(column(raw, "impressions").map(Number)),
      clicks: sum(column(raw, "clicks").map(Number)),
      costMinor: sum(column(raw, "ad_spend").map(cents)),
      conversions: sum(column(raw, "conversions").map(Number)),
      revenueMinor: sum(column(raw, "revenue").map(cents)),
    });
    expect(totals).toEqual(sample.expected);
    expect(Math.round(totals.costMinor / 1e6) / 100).toBe(11.11);
    expect(Math.round(totals.revenueMinor / 1e6) / 100).toBe(54.18);
    const count = (p: string) => rows.filter((r) => r.platform === p).length;
    expect([count("google"), count("meta"), count("tiktok")]).toEqual([720, 630, 450]);
    // $line gives every row its own key: the file has no natural key
    expect(new Set(rows.map((r) => `${r.date}|${r.platform}|${r.campaignId}|${r.adId}`)).size).toBe(1800);
  });

  it("kag_conversion_data (BOM, CRLF, no dates) with --date: the README's totals", async () => {
    const { totals, rows, sample } = await importSample("kag_conversion_data");
    expect(totals).toEqual({
      rows: 1143,
      rejections: 0,
      impressions: 213_434_828,
      clicks: 38_165,
      costMinor: 5_870_523, // 58,705.23
      conversions: 1_079, // Approved_Conversion
      revenueMinor: 0,
    });
    expect(totals).toEqual(sample.expected);
    expect(rows.every((r) => r.date === "2024-01-01" && r.platform === "meta")).toBe(true);
    expect(rows[0]).toMatchObject({ line: 2, adId: "708746", campaignId: "916", adGroupId: "103916" });
    expect(rows.at(-1)?.line).toBe(1144);
  });

  it("google_ads_sales_uncleaned: every parseable row is a row, every other one a rejection with its reason", async () => {
    const { totals, rows, rejections, sample } = await importSample("google_ads_sales_uncleaned");
    const raw = rawTable(sample.folder, sample.file);
    const idx = (name: string) => raw.header.indexOf(name);
    const numeric = ["Clicks", "Impressions", "Cost", "Conversions", "Sale_Amount"].map(idx);
    const ambiguous = (d: string) => {
      const m = /^(\d+)\/(\d+)\/\d{4}$/.exec(d);
      return m !== null && +m[1] <= 12 && +m[2] <= 12 && m[1] !== m[2];
    };
    const good = raw.lines.filter((l) => numeric.every((i) => l[i] !== "") && !ambiguous(l[idx("Ad_Date")]));
    expect(totals.rows).toBe(good.length);
    expect(totals.rejections).toBe(raw.lines.length - good.length);
    expect(totals.clicks).toBe(sum(good.map((l) => Number(l[idx("Clicks")]))));
    expect(totals.costMinor).toBe(sum(good.map((l) => cents(l[idx("Cost")]))));
    expect(totals.conversions).toBe(sum(good.map((l) => Number(l[idx("Conversions")]))));
    expect(totals.revenueMinor).toBe(sum(good.map((l) => cents(l[idx("Sale_Amount")]))));
    expect(totals).toEqual(sample.expected);
    expect(rows.every((r) => r.date >= "2024-11-01" && r.date <= "2024-11-30")).toBe(true);
    const byReason = new Map<string, number>();
    for (const r of rejections) {
      const reason = r.message.includes("ambiguous date") ? "ambiguous date" : `${r.column} blank`;
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
      expect(r.message).toContain(`line ${r.line}:`);
    }
    expect(Object.fromEntries(byReason)).toEqual({
      "ambiguous date": 903,
      "Clicks blank": 76,
      "Impressions blank": 34,
      "Cost blank": 57,
      "Conversions blank": 39,
      "Sale_Amount blank": 88,
    });
    const line8 = rejections.find((r) => r.line === 8)!;
    expect(line8).toMatchObject({ column: "Ad_Date", value: "6/11/2024" });
    expect(line8.message).toContain("it could be 2024-06-11 (month first) or 2024-11-06 (day first)");
  });

  it("robyn_simulated_weekly: one channel at a time with --map (facebook_S as Meta spend)", async () => {
    const { totals, rows, sample } = await importSample("robyn_simulated_weekly");
    const raw = rawTable(sample.folder, sample.file);
    expect(totals.rows).toBe(208);
    expect(totals.costMinor).toBe(sum(column(raw, "facebook_S").map(cents)));
    expect(rows.every((r) => r.revenueMinor === 0 && r.platform === "meta")).toBe(true);
    expect(rows[0].date).toBe("2015-11-23");
  });
});
