import { isKnownCurrency } from "../../domain/currency.js";
import { decimalToMinor, decimalToScaledInteger, microsToMinor } from "../../domain/money.js";
import { normalisePlatform, PLATFORMS, type Platform } from "../../domain/platform.js";
import type { StandardColumn } from "./columns.js";
import { EXPECTED_DATE, parseDate } from "./dates.js";
import type { ColumnPlan, SourceColumn } from "./header.js";
import { cleanNumber, expectedNumber } from "./numbers.js";
import type { Preset } from "./presets.js";
import type { DateOrder, RowRejection, StandardRow } from "./types.js";

/** Everything fixed for one file: where columns are, and the values options supply. */
export interface RowContext {
  file: string;
  plan: ColumnPlan;
  preset: Preset;
  width: number;
  date: string | undefined;
  platform: Platform | undefined;
  accountId: string | undefined;
  currency: string;
  dateOrder: DateOrder | undefined;
  minDate: string;
  maxDate: string;
}

interface Problem {
  column: string | null;
  value: string | null;
  expected: string;
  problem: string;
}

const INTEGER = /^(\d+)(?:\.0*)?$/;

/** One CSV record -> a validated standard row, or a rejection naming the first problem (and any others). */
export function convertRecord(
  cells: readonly string[],
  line: number,
  ctx: RowContext,
): StandardRow | RowRejection {
  if (cells.length !== ctx.width) {
    return reject(ctx.file, line, [
      {
        column: null,
        value: null,
        expected: `${ctx.width} fields like the header`,
        problem: `the row has ${cells.length} field${cells.length === 1 ? "" : "s"}`,
      },
    ]);
  }
  const problems: Problem[] = [];
  const { sources } = ctx.plan;
  const cell = (target: StandardColumn): string | undefined => {
    const source = sources[target];
    return source === undefined ? undefined : cells[source.index];
  };
  const fail = (
    target: StandardColumn,
    value: string | null,
    expected: string,
    problem: string,
  ): undefined => {
    problems.push({ column: sources[target]?.name ?? target, value, expected, problem });
  };

  const date = readDate(cell("date"), ctx, fail);
  const platform = readPlatform(cell("platform"), ctx, fail);
  let accountId = ctx.accountId ?? "";
  const rawAccount = cell("account_id");
  if (rawAccount !== undefined) {
    accountId = rawAccount.trim();
    if (accountId === "") fail("account_id", rawAccount, "an account id", "the account id is blank");
    else if (ctx.preset.stripAccountDashes && /^\d{3}-\d{3}-\d{4}$/.test(accountId)) {
      accountId = accountId.replaceAll("-", "");
    }
  }
  const currency = readCurrency(cells, ctx, fail);

  const count = (target: "impressions" | "clicks"): number => {
    const raw = cell(target);
    if (raw === undefined || isZeroToken(raw, target, ctx.preset)) return 0;
    const expected = expectedNumber("count", ctx.preset.decimal);
    const clean = cleanNumber(raw, ctx.preset.decimal);
    if (!clean.ok) return fail(target, raw, expected, clean.problem) ?? 0;
    if (clean.text.startsWith("-")) return fail(target, raw, expected, `negative ${target}`) ?? 0;
    const match = INTEGER.exec(clean.text);
    const value = match ? Number(match[1]) : Number.NaN;
    if (!Number.isSafeInteger(value)) return fail(target, raw, expected, "not a whole number") ?? 0;
    return value;
  };
  const amount = (target: "cost" | "revenue"): number => {
    const source = sources[target];
    const raw = cell(target);
    if (source === undefined || raw === undefined || isZeroToken(raw, target, ctx.preset)) return 0;
    const expected =
      expectedNumber("amount", ctx.preset.decimal) + (source.unit === "micros" ? " in micros" : "");
    const clean = cleanNumber(raw, ctx.preset.decimal);
    if (!clean.ok) return fail(target, raw, expected, clean.problem) ?? 0;
    if (clean.currency !== undefined && currency !== undefined && clean.currency !== currency) {
      return (
        fail(
          target,
          raw,
          `an amount in ${currency}`,
          `the amount is in ${clean.currency}, the row's currency is ${currency}`,
        ) ?? 0
      );
    }
    if (clean.text.startsWith("-")) {
      return fail(target, raw, expected, target === "cost" ? "negative spend" : "negative revenue") ?? 0;
    }
    if (currency === undefined) return 0;
    const minor = toMinor(clean.text, source, currency);
    if (minor === undefined) return fail(target, raw, expected, "the amount is too large") ?? 0;
    return minor;
  };

  const impressions = count("impressions");
  const clicks = count("clicks");
  const costMinor = amount("cost");
  const revenueMinor = amount("revenue");
  const conversions = readConversions(cell("conversions"), ctx, fail);
  if (impressions > 0 && clicks > impressions) {
    fail(
      "clicks",
      cell("clicks") ?? null,
      `at most ${impressions} clicks (the impressions)`,
      "more clicks than impressions",
    );
  }
  if (problems.length > 0 || date === undefined || platform === undefined || currency === undefined) {
    return reject(ctx.file, line, problems);
  }

  const text = (target: StandardColumn): string => {
    if (ctx.plan.fromLine.includes(target)) return String(line);
    return cell(target)?.trim() ?? "";
  };
  const name = (target: StandardColumn): string | null => cell(target)?.trim() || null;
  return {
    line,
    date,
    platform,
    accountId,
    campaignId: text("campaign_id"),
    adGroupId: text("adgroup_id"),
    adId: text("ad_id"),
    campaignName: name("campaign_name"),
    adGroupName: name("adgroup_name"),
    adName: name("ad_name"),
    impressions,
    clicks,
    costMinor,
    revenueMinor,
    conversions,
    currency,
  };
}

type Fail = (target: StandardColumn, value: string | null, expected: string, problem: string) => undefined;

function readDate(raw: string | undefined, ctx: RowContext, fail: Fail): string | undefined {
  if (raw === undefined) return ctx.date;
  const parsed = parseDate(raw, ctx.dateOrder);
  if (!parsed.ok) return fail("date", raw, EXPECTED_DATE, parsed.problem);
  if (parsed.date < ctx.minDate || parsed.date > ctx.maxDate) {
    const expected = `a date from ${ctx.minDate} to ${ctx.maxDate}`;
    return fail("date", raw, expected, `the date ${parsed.date} is outside the allowed range`);
  }
  return parsed.date;
}

function readPlatform(raw: string | undefined, ctx: RowContext, fail: Fail): Platform | undefined {
  if (raw === undefined) return ctx.platform;
  const platform = normalisePlatform(raw);
  if (platform === undefined) {
    const expected = `one of ${PLATFORMS.join(", ")} (or a spelling such as "Google Ads", "Facebook Ads")`;
    fail("platform", raw, expected, raw.trim() === "" ? "the platform is blank" : "unknown platform");
  }
  return platform;
}

function readCurrency(cells: readonly string[], ctx: RowContext, fail: Fail): string | undefined {
  const { sources } = ctx.plan;
  const headerCurrency = sources.cost?.currency ?? sources.revenue?.currency;
  const column = sources.currency;
  const raw = column === undefined ? "" : cells[column.index].trim();
  if (raw === "") return headerCurrency ?? ctx.currency;
  const code = raw.toUpperCase();
  if (!isKnownCurrency(code)) {
    return fail("currency", raw, "an ISO 4217 currency code such as USD, EUR, GBP, AED", "unknown currency");
  }
  if (headerCurrency !== undefined && headerCurrency !== code) {
    const problem = `the currency column says ${code} but the ${sources.cost?.name ?? "amount"} header says ${headerCurrency}`;
    return fail("currency", raw, `${headerCurrency}`, problem);
  }
  return code;
}

function readConversions(raw: string | undefined, ctx: RowContext, fail: Fail): number {
  if (raw === undefined || isZeroToken(raw, "conversions", ctx.preset)) return 0;
  const expected = expectedNumber("decimal", ctx.preset.decimal);
  const clean = cleanNumber(raw, ctx.preset.decimal);
  if (!clean.ok) return fail("conversions", raw, expected, clean.problem) ?? 0;
  if (clean.text.startsWith("-")) return fail("conversions", raw, expected, "negative conversions") ?? 0;
  return Number(clean.text);
}

function toMinor(text: string, source: SourceColumn, currency: string): number | undefined {
  if (source.unit === "major") return decimalToMinor(text, currency);
  const micros = decimalToScaledInteger(text, 0);
  if (micros === undefined) return undefined;
  return microsToMinor(micros, currency);
}

function isZeroToken(raw: string, target: StandardColumn, preset: Preset): boolean {
  const zero = preset.zeroTokens;
  if (zero === undefined || !zero.columns.includes(target)) return false;
  return zero.tokens.includes(raw.trim());
}

function reject(file: string, line: number, problems: Problem[]): RowRejection {
  const [first, ...rest] = problems.length > 0 ? problems : [UNKNOWN];
  const where = (p: Problem) => (p.column === null ? "" : `column "${p.column}": `);
  const got = (p: Problem) => (p.value === null ? "" : ` (got "${p.value}")`);
  let message = `${file}, line ${line}: ${where(first)}${first.problem}${got(first)}; expected ${first.expected}`;
  if (rest.length > 0) message += `. Also: ${rest.map((p) => `${where(p)}${p.problem}${got(p)}`).join("; ")}`;
  return { file, line, column: first.column, value: first.value, expected: first.expected, message };
}

const UNKNOWN: Problem = {
  column: null,
  value: null,
  expected: "a valid row",
  problem: "the row is invalid",
};
