import { isKnownCurrency } from "../../domain/currency.js";
import { decimalToMinor, decimalToScaledInteger, microsToMinor } from "../../domain/money.js";
import { normalisePlatform, PLATFORMS, type Platform } from "../../domain/platform.js";
import type { StandardColumn } from "./columns.js";
import { EXPECTED_DATE, parseDate } from "./dates.js";
import type { ColumnPlan } from "./header.js";
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
const GOOGLE_CUSTOMER_ID = /^\d{3}-\d{3}-\d{4}$/;
const EXPECTED_PLATFORM = `one of ${PLATFORMS.join(", ")} (or a spelling such as "Google Ads", "Facebook Ads")`;
const EXPECTED_CURRENCY = "an ISO 4217 currency code such as USD, EUR, GBP, AED";

/**
 * Turns CSV records of one file into validated standard rows, or into a rejection naming the first
 * problem (and listing any others). A class with methods rather than per-row closures: this runs a
 * million times per file.
 */
export class RowConverter {
  private cells: readonly string[] = [];
  private problems: Problem[] = [];
  private readonly sources: ColumnPlan["sources"];
  private readonly expectedCount: string;
  private readonly expectedAmount: string;
  private readonly expectedDecimal: string;

  constructor(private readonly ctx: RowContext) {
    this.sources = ctx.plan.sources;
    this.expectedCount = expectedNumber("count", ctx.preset.decimal);
    this.expectedAmount = expectedNumber("amount", ctx.preset.decimal);
    this.expectedDecimal = expectedNumber("decimal", ctx.preset.decimal);
  }

  convert(cells: readonly string[], line: number): StandardRow | RowRejection {
    const { ctx } = this;
    if (cells.length !== ctx.width) {
      const problem = `the row has ${cells.length} field${cells.length === 1 ? "" : "s"}`;
      return reject(ctx.file, line, [
        { column: null, value: null, expected: `${ctx.width} fields like the header`, problem },
      ]);
    }
    this.cells = cells;
    this.problems = [];
    const date = this.date();
    const platform = this.platform();
    const accountId = this.accountId();
    const currency = this.currency();
    const impressions = this.count("impressions");
    const clicks = this.count("clicks");
    const costMinor = currency === undefined ? 0 : this.amount("cost", currency);
    const revenueMinor = currency === undefined ? 0 : this.amount("revenue", currency);
    const conversions = this.conversions();
    if (impressions > 0 && clicks > impressions) {
      const expected = `at most ${impressions} clicks (the impressions)`;
      this.fail("clicks", this.cell("clicks") ?? null, expected, "more clicks than impressions");
    }
    if (this.problems.length > 0 || date === undefined || platform === undefined || currency === undefined) {
      return reject(ctx.file, line, this.problems);
    }
    return {
      line,
      date,
      platform,
      accountId,
      campaignId: this.id("campaign_id", line),
      adGroupId: this.id("adgroup_id", line),
      adId: this.id("ad_id", line),
      campaignName: this.name("campaign_name"),
      adGroupName: this.name("adgroup_name"),
      adName: this.name("ad_name"),
      impressions,
      clicks,
      costMinor,
      revenueMinor,
      conversions,
      currency,
    };
  }

  private cell(target: StandardColumn): string | undefined {
    const source = this.sources[target];
    return source === undefined ? undefined : this.cells[source.index];
  }

  private fail(target: StandardColumn, value: string | null, expected: string, problem: string): undefined {
    this.problems.push({ column: this.sources[target]?.name ?? target, value, expected, problem });
  }

  private date(): string | undefined {
    const { ctx } = this;
    const raw = this.cell("date");
    if (raw === undefined) return ctx.date;
    const parsed = parseDate(raw, ctx.dateOrder);
    if (!parsed.ok) return this.fail("date", raw, EXPECTED_DATE, parsed.problem);
    if (parsed.date < ctx.minDate || parsed.date > ctx.maxDate) {
      const expected = `a date from ${ctx.minDate} to ${ctx.maxDate}`;
      return this.fail("date", raw, expected, `the date ${parsed.date} is outside the allowed range`);
    }
    return parsed.date;
  }

  private platform(): Platform | undefined {
    const raw = this.cell("platform");
    if (raw === undefined) return this.ctx.platform;
    const platform = normalisePlatform(raw);
    if (platform !== undefined) return platform;
    const problem = raw.trim() === "" ? "the platform is blank" : "unknown platform";
    return this.fail("platform", raw, EXPECTED_PLATFORM, problem);
  }

  private accountId(): string {
    const raw = this.cell("account_id");
    if (raw === undefined) return this.ctx.accountId ?? "";
    const id = raw.trim();
    if (id === "") this.fail("account_id", raw, "an account id", "the account id is blank");
    if (this.ctx.preset.stripAccountDashes && GOOGLE_CUSTOMER_ID.test(id)) return id.replaceAll("-", "");
    return id;
  }

  /** Row currency: the currency column, else the one in the amount's header, else the option (default USD). */
  private currency(): string | undefined {
    const { sources } = this;
    const headerCurrency = sources.cost?.currency ?? sources.revenue?.currency;
    const raw = this.cell("currency")?.trim() ?? "";
    if (raw === "") return headerCurrency ?? this.ctx.currency;
    const code = raw.toUpperCase();
    if (!isKnownCurrency(code)) return this.fail("currency", raw, EXPECTED_CURRENCY, "unknown currency");
    if (headerCurrency !== undefined && headerCurrency !== code) {
      const problem = `the currency column says ${code} but the header "${sources.cost?.name}" says ${headerCurrency}`;
      return this.fail("currency", raw, headerCurrency, problem);
    }
    return code;
  }

  private count(target: "impressions" | "clicks"): number {
    const raw = this.cell(target);
    if (raw === undefined || this.isZeroToken(raw, target)) return 0;
    const clean = cleanNumber(raw, this.ctx.preset.decimal);
    if (!clean.ok) return this.fail(target, raw, this.expectedCount, clean.problem) ?? 0;
    if (clean.text.startsWith("-"))
      return this.fail(target, raw, this.expectedCount, `negative ${target}`) ?? 0;
    const match = INTEGER.exec(clean.text);
    const value = match ? Number(match[1]) : Number.NaN;
    if (!Number.isSafeInteger(value))
      return this.fail(target, raw, this.expectedCount, "not a whole number") ?? 0;
    return value;
  }

  private amount(target: "cost" | "revenue", currency: string): number {
    const source = this.sources[target];
    const raw = this.cell(target);
    if (source === undefined || raw === undefined || this.isZeroToken(raw, target)) return 0;
    const expected = source.unit === "micros" ? `${this.expectedAmount} in micros` : this.expectedAmount;
    const clean = cleanNumber(raw, this.ctx.preset.decimal);
    if (!clean.ok) return this.fail(target, raw, expected, clean.problem) ?? 0;
    if (clean.currency !== undefined && clean.currency !== currency) {
      const problem = `the amount is in ${clean.currency}, the row's currency is ${currency}`;
      return this.fail(target, raw, `an amount in ${currency}`, problem) ?? 0;
    }
    if (clean.text.startsWith("-")) {
      return this.fail(target, raw, expected, target === "cost" ? "negative spend" : "negative revenue") ?? 0;
    }
    const minor =
      source.unit === "micros"
        ? microsToMinorText(clean.text, currency)
        : decimalToMinor(clean.text, currency);
    if (minor === undefined) return this.fail(target, raw, expected, "the amount is too large") ?? 0;
    return minor;
  }

  private conversions(): number {
    const raw = this.cell("conversions");
    if (raw === undefined || this.isZeroToken(raw, "conversions")) return 0;
    const clean = cleanNumber(raw, this.ctx.preset.decimal);
    if (!clean.ok) return this.fail("conversions", raw, this.expectedDecimal, clean.problem) ?? 0;
    if (clean.text.startsWith("-")) {
      return this.fail("conversions", raw, this.expectedDecimal, "negative conversions") ?? 0;
    }
    return Number(clean.text);
  }

  private id(target: StandardColumn, line: number): string {
    if (this.ctx.plan.fromLine.includes(target)) return String(line);
    return this.cell(target)?.trim() ?? "";
  }

  private name(target: StandardColumn): string | null {
    return this.cell(target)?.trim() || null;
  }

  private isZeroToken(raw: string, target: StandardColumn): boolean {
    const zero = this.ctx.preset.zeroTokens;
    if (zero === undefined || !zero.columns.includes(target)) return false;
    return zero.tokens.includes(raw.trim());
  }
}

function microsToMinorText(text: string, currency: string): number | undefined {
  const micros = decimalToScaledInteger(text, 0);
  return micros === undefined ? undefined : microsToMinor(micros, currency);
}

function reject(file: string, line: number, problems: Problem[]): RowRejection {
  const [first, ...rest] = problems.length > 0 ? problems : [UNKNOWN];
  let message = `${file}, line ${line}: ${describe(first)}; expected ${first.expected}`;
  if (rest.length > 0) message += `. Also: ${rest.map(describe).join("; ")}`;
  return { file, line, column: first.column, value: first.value, expected: first.expected, message };
}

function describe(p: Problem): string {
  const where = p.column === null ? "" : `column "${p.column}": `;
  const got = p.value === null ? "" : ` (got "${p.value}")`;
  return `${where}${p.problem}${got}`;
}

const UNKNOWN: Problem = {
  column: null,
  value: null,
  expected: "a valid row",
  problem: "the row is invalid",
};
