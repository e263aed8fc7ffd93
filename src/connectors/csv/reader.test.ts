import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readImportFile, readImportStream } from "./reader.js";
import { readText, STANDARD_HEADER } from "./test-support.js";
import { ImportFileError } from "./types.js";

const row = (fields: string) => `${STANDARD_HEADER}\n${fields}\n`;
const GOOD = "2024-01-15,google,123,C1,AG1,AD1,1000,50,12.34,2.5,99.90";

async function fileError(text: string, options = {}): Promise<ImportFileError> {
  const error = await readText(text, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ImportFileError);
  return error as ImportFileError;
}

describe("standard format", () => {
  it("reads a row into exact minor units", async () => {
    const { rows, rejections } = await readText(row(GOOD));
    expect(rejections).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        date: "2024-01-15",
        platform: "google",
        accountId: "123",
        campaignId: "C1",
        adGroupId: "AG1",
        adId: "AD1",
        campaignName: null,
        adGroupName: null,
        adName: null,
        impressions: 1000,
        clicks: 50,
        costMinor: 1234,
        revenueMinor: 9990,
        conversions: 2.5,
        currency: "USD",
      },
    ]);
  });

  it("handles BOM, CRLF, quoted line breaks and blank lines with physical line numbers", async () => {
    const text =
      `\uFEFF${STANDARD_HEADER},campaign_name,currency\r\n` +
      `${GOOD},"Brand\r\nsearch",eur\r\n` +
      "\r\n" +
      `${GOOD.replace("AD1", "AD2")},"Say ""hi""",JPY\r\n`;
    const { rows, rejections } = await readText(text);
    expect(rejections).toEqual([]);
    expect(rows.map((r) => [r.line, r.campaignName, r.currency, r.costMinor])).toEqual([
      [2, "Brand\r\nsearch", "EUR", 1234],
      [5, 'Say "hi"', "JPY", 12],
    ]);
  });

  it("accepts thousands separators, currency symbols and the platforms' own spellings", async () => {
    const { rows } = await readText(
      row('2024-01-15,Facebook Ads,123,C1,AG1,AD1,"1,234",50,"$1,234.50",3,€10') +
        '2024-01-16,Google Ads,123,C1,AG1,AD1,"1 000",0,"AED 99",0,"(0)"\n',
      { currency: "EUR" },
    );
    expect(rows.map((r) => [r.platform, r.impressions, r.costMinor, r.revenueMinor])).toEqual([
      ["meta", 1234, 123450, 1000],
    ]);
  });
});

describe("bad input", () => {
  it("rejects an unparseable number naming file, line, column, value and what was expected", async () => {
    const { rows, rejections } = await readText(row(GOOD.replace("1000", "12x")), {}, "june.csv");
    expect(rows).toEqual([]);
    expect(rejections).toEqual([
      {
        file: "june.csv",
        line: 2,
        column: "impressions",
        value: "12x",
        expected: "a non-negative whole number such as 1,234",
        message:
          'june.csv, line 2: column "impressions": not a number (a comma is only accepted as a thousands separator, as in 1,234.50) (got "12x"); expected a non-negative whole number such as 1,234',
      },
    ]);
  });

  it("rejects negative spend", async () => {
    const { rejections } = await readText(row(GOOD.replace("12.34", "-12.34")));
    expect(rejections[0]).toMatchObject({ line: 2, column: "cost", value: "-12.34" });
    expect(rejections[0].message).toBe(
      'test.csv, line 2: column "cost": negative spend (got "-12.34"); expected a non-negative amount such as 1,234.50 or $1,234.50',
    );
  });

  it("rejects an unknown currency", async () => {
    const { rejections } = await readText(`${STANDARD_HEADER},currency\n${GOOD},XYZ\n`);
    expect(rejections[0]).toMatchObject({ column: "currency", value: "XYZ" });
    expect(rejections[0].message).toBe(
      'test.csv, line 2: column "currency": unknown currency (got "XYZ"); expected an ISO 4217 currency code such as USD, EUR, GBP, AED',
    );
  });

  it("rejects a date outside the allowed range", async () => {
    const { rejections } = await readText(row(GOOD.replace("2024-01-15", "1999-12-31")), {
      maxDate: "2030-12-31",
    });
    expect(rejections[0]).toMatchObject({ column: "date", value: "1999-12-31" });
    expect(rejections[0].message).toBe(
      'test.csv, line 2: column "date": the date 1999-12-31 is outside the allowed range (got "1999-12-31"); expected a date from 2000-01-01 to 2030-12-31',
    );
  });

  it("fails the file when a required column is missing, listing the columns found", async () => {
    const error = await fileError("date,platform,account_id,clicks\n2024-01-01,google,1,2\n");
    expect(error.file).toBe("test.csv");
    expect(error.message).toBe(
      'test.csv: missing required columns "campaign_id", "adgroup_id", "ad_id", "impressions", "cost", "conversions", "revenue" (preset "standard"). ' +
        'Columns found: "date", "platform", "account_id", "clicks". ' +
        "Required: date, platform, account_id, campaign_id, adgroup_id, ad_id, impressions, clicks, cost, conversions, revenue. " +
        "Use --preset for a platform export or --map source=target.",
    );
  });

  it("reports every problem of a row in one rejection, the first one in its fields", async () => {
    const { rejections } = await readText(row("2024-13-01,bing,123,C1,AG1,AD1,10,50,abc,-1,0"));
    expect(rejections).toHaveLength(1);
    expect(rejections[0].column).toBe("date");
    expect(rejections[0].message).toContain('Also: column "platform": unknown platform (got "bing")');
    expect(rejections[0].message).toContain('column "cost": not a number');
    expect(rejections[0].message).toContain('column "conversions": negative conversions');
  });

  it("rejects clicks above impressions only when impressions are reported", async () => {
    const { rows, rejections } = await readText(
      row(GOOD.replace("1000,50", "10,50")) + GOOD.replace("1000,50", "0,5").replace("AD1", "AD2"),
    );
    expect(
      rejections.map((r) => [r.line, r.column, r.message.includes("more clicks than impressions")]),
    ).toEqual([[2, "clicks", true]]);
    expect(rows.map((r) => [r.line, r.clicks])).toEqual([[3, 5]]);
  });

  it("rejects a row with the wrong number of fields and a blank cell where 0 is not implied", async () => {
    const { rejections } = await readText(row("2024-01-15,google,123") + GOOD.replace(",50,", ",,"));
    expect(rejections.map((r) => r.message)).toEqual([
      "test.csv, line 2: the row has 3 fields; expected 11 fields like the header",
      'test.csv, line 3: column "clicks": the cell is blank (got ""); expected a non-negative whole number such as 1,234',
    ]);
  });

  it("fails the file on broken CSV quoting, with the line", async () => {
    const error = await fileError(row(`${GOOD.replace("C1", '"C1')}`));
    expect(error.message).toMatch(/^test\.csv: the file is not valid CSV at line \d+: /);
  });

  it("fails on an unknown preset, an unreadable file and an empty file", async () => {
    expect((await fileError(row(GOOD), { preset: "bing" })).message).toBe(
      'test.csv: unknown preset "bing": expected one of standard, google-ads, meta, tiktok, linkedin',
    );
    expect((await fileError("")).message).toContain("no header line found");
    const empty = readImportStream(Readable.from([]), "x.csv", {});
    await expect(empty.next()).rejects.toThrow("x.csv: no header line found");
    const missing = readImportFile("/nonexistent/perf.csv", {});
    await expect(missing.next()).rejects.toThrow(
      "/nonexistent/perf.csv: cannot read the file: ENOENT: no such file or directory",
    );
  });
});

describe("--map and --date", () => {
  it("--map renames columns, fills a level from $line and ignores a column with -", async () => {
    const text =
      "Day,Spend,Campaign,revenue,Impressions\n2024-02-01,10,Brand,5,100\n2024-02-01,20,Brand,6,100\n";
    const { rows } = await readText(text, {
      account: "acme",
      platform: "tiktok",
      map: { Day: "date", Spend: "cost", Campaign: "campaign_id", $line: "ad_id", revenue: "-" },
    });
    expect(
      rows.map((r) => [r.line, r.campaignId, r.adId, r.costMinor, r.revenueMinor, r.impressions]),
    ).toEqual([
      [2, "Brand", "2", 1000, 0, 100],
      [3, "Brand", "3", 2000, 0, 100],
    ]);
    expect(rows[0]).toMatchObject({ accountId: "acme", platform: "tiktok", clicks: 0, conversions: 0 });
  });

  it("--map names a missing source or an unknown target clearly", async () => {
    expect((await fileError(row(GOOD), { map: { Spend: "cost" } })).message).toContain(
      '--map Spend=cost: the file has no column "Spend". Columns found: "date", "platform"',
    );
    expect((await fileError(row(GOOD), { map: { cost: "spend" } })).message).toContain(
      '--map target "spend" is not a standard column',
    );
  });

  it("--date dates a file without dates, and refuses a file that has them", async () => {
    const undated = "account_id,ad_id,cost\nA,1,5\n";
    const { rows } = await readText(undated, {
      date: "2024-03-01",
      platform: "meta",
      map: { ad_id: "ad_id" },
    });
    expect(rows.map((r) => [r.date, r.platform, r.adId, r.costMinor])).toEqual([
      ["2024-03-01", "meta", "1", 500],
    ]);
    expect((await fileError(undated, { map: { ad_id: "ad_id" }, platform: "meta" })).message).toContain(
      "--date gives one date to a file without dates",
    );
    expect((await fileError(row(GOOD), { date: "2024-03-01" })).message).toContain(
      '--date is for a file without dates, but this file has a date column "date"',
    );
    expect((await fileError(undated, { date: "03/01/2024" })).message).toContain(
      '--date "03/01/2024" is not a date: expected YYYY-MM-DD',
    );
  });
});
