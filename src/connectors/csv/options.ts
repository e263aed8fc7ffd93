import { isKnownCurrency } from "../../domain/currency.js";
import { normalisePlatform, PLATFORMS, type Platform } from "../../domain/platform.js";
import { isIsoDate } from "../../domain/time.js";
import { DEFAULT_MIN_DATE, defaultMaxDate } from "./dates.js";
import {
  type DateOrder,
  ImportFileError,
  type ImportOptions,
  PRESET_NAMES,
  type PresetName,
} from "./types.js";

/** Import options checked once per file; a bad option is a file-level error, not a row rejection per row. */
export interface ResolvedOptions {
  preset: PresetName | undefined;
  map: Record<string, string> | undefined;
  date: string | undefined;
  platform: Platform | undefined;
  accountId: string | undefined;
  currency: string;
  minDate: string;
  maxDate: string;
  dateOrder: DateOrder | undefined;
}

export function resolveOptions(options: ImportOptions, file: string): ResolvedOptions {
  const fail = (message: string, column?: string): never => {
    throw new ImportFileError(`${file}: ${message}`, column === undefined ? { file } : { file, column });
  };
  if (options.preset !== undefined && !(PRESET_NAMES as readonly string[]).includes(options.preset)) {
    fail(`unknown preset "${options.preset}": expected one of ${PRESET_NAMES.join(", ")}`);
  }
  const minDate = options.minDate ?? DEFAULT_MIN_DATE;
  const maxDate = options.maxDate ?? defaultMaxDate();
  for (const [flag, value] of [
    ["--min-date", minDate],
    ["--max-date", maxDate],
  ] as const) {
    if (!isIsoDate(value)) fail(`${flag} "${value}" is not a date: expected YYYY-MM-DD`);
  }
  if (minDate > maxDate) fail(`the date range is empty: ${minDate} is after ${maxDate}`);
  if (options.date !== undefined) {
    if (!isIsoDate(options.date)) fail(`--date "${options.date}" is not a date: expected YYYY-MM-DD`, "date");
    if (options.date < minDate || options.date > maxDate) {
      fail(`--date ${options.date} is outside the allowed range ${minDate} .. ${maxDate}`, "date");
    }
  }
  let platform: Platform | undefined;
  if (options.platform !== undefined) {
    platform = normalisePlatform(options.platform);
    if (platform === undefined) {
      fail(`unknown platform "${options.platform}": expected one of ${PLATFORMS.join(", ")}`, "platform");
    }
  }
  const currency = (options.currency ?? "USD").trim().toUpperCase();
  if (!isKnownCurrency(currency)) {
    fail(
      `unknown currency "${options.currency}": expected an ISO 4217 code such as USD, EUR, GBP, AED`,
      "currency",
    );
  }
  const accountId = options.account?.trim();
  if (accountId === "") fail("--account is empty: expected an account id", "account_id");
  if (options.dateOrder !== undefined && options.dateOrder !== "mdy" && options.dateOrder !== "dmy") {
    fail(`unknown date order "${options.dateOrder}": expected mdy or dmy`);
  }
  return {
    preset: options.preset,
    map: options.map,
    date: options.date,
    platform,
    accountId,
    currency,
    minDate,
    maxDate,
    dateOrder: options.dateOrder,
  };
}
