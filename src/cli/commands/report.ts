import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { minorToMajor } from "../../domain/money.js";
import { isIsoDate } from "../../domain/time.js";
import {
  performanceReport,
  REPORT_DIMENSIONS,
  REPORT_GRAINS,
  type ReportDimension,
  type ReportGrain,
  type ReportRow,
} from "../../store/reports.js";
import { parseKeyValueList, UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { csvLine, formatDecimal, formatInteger, formatPercent, renderTable } from "../table.js";

interface ReportFlags {
  by: string;
  grain: string;
  from?: string;
  to?: string;
  format: string;
  account?: string;
  currency?: string;
  rates?: string;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("spend, impressions, clicks, conversions, revenue, CTR, CVR, CPC, CAC and ROAS with totals")
    .option("--by <dimension>", REPORT_DIMENSIONS.join("|"), "channel")
    .option("--grain <grain>", REPORT_GRAINS.join("|"), "total")
    .option("--from <YYYY-MM-DD>", "first date (inclusive)")
    .option("--to <YYYY-MM-DD>", "last date (inclusive)")
    .option("--account <id>", "one account (our id or the platform's)")
    .option("--currency <code>", "report in this currency (needs --rates for others)")
    .option("--rates <CUR=rate,...|file.csv>", "value of one unit of each currency in --currency units")
    .option("--format <format>", "table|csv|json", "table")
    .action(async (flags: ReportFlags) => {
      await runReport(flags);
    });
}

function parseRates(text: string): Record<string, number> {
  const source = text.endsWith(".csv")
    ? readFileSync(text, "utf8")
        .split(/\r?\n/)
        .filter((l) => l.includes(","))
        .filter((l) => !/^currency,/i.test(l))
        .map((l) => l.replace(",", "="))
        .join(",")
    : text;
  const rates: Record<string, number> = {};
  for (const [currency, value] of Object.entries(parseKeyValueList(source, "rate", "EUR=1.08,GBP=1.27"))) {
    const rate = Number(value);
    if (!(rate > 0)) throw new UsageError(`rate for ${currency} must be a positive number, got "${value}"`);
    rates[currency.toUpperCase()] = rate;
  }
  return rates;
}

async function runReport(flags: ReportFlags): Promise<void> {
  if (!(REPORT_DIMENSIONS as readonly string[]).includes(flags.by)) {
    throw new UsageError(`--by must be one of ${REPORT_DIMENSIONS.join(", ")}, got "${flags.by}"`);
  }
  if (!(REPORT_GRAINS as readonly string[]).includes(flags.grain)) {
    throw new UsageError(`--grain must be one of ${REPORT_GRAINS.join(", ")}, got "${flags.grain}"`);
  }
  if (!["table", "csv", "json"].includes(flags.format)) {
    throw new UsageError(`--format must be table, csv or json, got "${flags.format}"`);
  }
  for (const [name, value] of [
    ["--from", flags.from],
    ["--to", flags.to],
  ] as const) {
    if (value && !isIsoDate(value))
      throw new UsageError(`${name} must be a date like 2024-01-31, got "${value}"`);
  }
  const report = await withStore((store) =>
    performanceReport(store, {
      by: flags.by as ReportDimension,
      grain: flags.grain as ReportGrain,
      from: flags.from,
      to: flags.to,
      accountId: flags.account,
      currency: flags.currency?.toUpperCase(),
      rates: flags.rates ? parseRates(flags.rates) : undefined,
    }),
  );
  const currency = report.currency;
  const money = (minor: number | null) => (minor === null ? null : minorToMajor(minor, currency));
  const asRecord = (r: ReportRow) => ({
    period: r.period,
    [flags.by]: r.label,
    spend: money(r.costMinor),
    impressions: r.impressions,
    clicks: r.clicks,
    conversions: r.conversions,
    revenue: money(r.revenueMinor),
    ctr: r.ctr,
    cvr: r.cvr,
    cpc: money(r.cpcMinor),
    cac: money(r.cacMinor),
    roas: r.roas,
    currency,
  });
  if (flags.format === "json") {
    console.log(
      JSON.stringify({ currency, rows: report.rows.map(asRecord), total: asRecord(report.total) }, null, 2),
    );
    return;
  }
  const withPeriod = flags.grain !== "total";
  const headers = [
    ...(withPeriod ? ["period"] : []),
    flags.by,
    `spend (${currency})`,
    "impressions",
    "clicks",
    "conversions",
    `revenue (${currency})`,
    "CTR",
    "CVR",
    "CPC",
    "CAC",
    "ROAS",
  ];
  if (flags.format === "csv") {
    console.log(csvLine(Object.keys(asRecord(report.total))));
    for (const r of [...report.rows, report.total]) console.log(csvLine(Object.values(asRecord(r))));
    return;
  }
  const cells = (r: ReportRow) => [
    ...(withPeriod ? [r.period ?? ""] : []),
    r.label,
    formatDecimal(money(r.costMinor)),
    formatInteger(r.impressions),
    formatInteger(r.clicks),
    formatDecimal(r.conversions),
    formatDecimal(money(r.revenueMinor)),
    formatPercent(r.ctr),
    formatPercent(r.cvr),
    formatDecimal(money(r.cpcMinor)),
    formatDecimal(money(r.cacMinor)),
    formatDecimal(r.roas),
  ];
  const body = [...report.rows.map(cells), cells(report.total)];
  const numeric = new Set(headers.map((_, i) => i).filter((i) => i >= (withPeriod ? 2 : 1)));
  if (report.rows.length === 0) {
    console.log("No performance data in that range. Import some with `adpilot import <file.csv>`.");
    return;
  }
  console.log(renderTable(headers, body, numeric));
}
