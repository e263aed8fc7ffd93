import { type CurrencyCode, currencyExponent, parseCurrency } from "./currency.js";

/**
 * Money is an integer count of the currency's minor units (cents for USD, fils for AED, yen for JPY)
 * plus its ISO 4217 code. Never a float: amounts are parsed from their decimal text exactly.
 */
export interface Money {
  readonly minor: number;
  readonly currency: CurrencyCode;
}

export function money(minor: number, currency: string): Money {
  if (!Number.isSafeInteger(minor)) {
    throw new RangeError(`money amount must be an integer number of minor units, got ${minor}`);
  }
  return { minor, currency: parseCurrency(currency) };
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * Parses a decimal string ("1234.5", "-0.07", "12") into minor units of `currency` without floating
 * point. Extra fractional digits beyond the currency's exponent are rounded half away from zero.
 * Returns undefined when the text is not a plain decimal number.
 */
export function decimalToMinor(text: string, currency: string): number | undefined {
  return decimalToScaledInteger(text, currencyExponent(currency));
}

/** Exact decimal text -> integer scaled by 10^scale (e.g. micros: scale 6). */
export function decimalToScaledInteger(text: string, scale: number): number | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole = "", fraction = ""] = match;
  if (whole === "" && fraction === "") return undefined;
  const kept = fraction.slice(0, scale).padEnd(scale, "0");
  const rest = fraction.slice(scale);
  let value = Number((whole || "0") + kept);
  if (rest.length > 0 && rest.charCodeAt(0) >= 53 /* '5' */) value += 1;
  if (!Number.isSafeInteger(value)) return undefined;
  return sign === "-" && value !== 0 ? -value : value;
}

/** Converts micros (1e-6 of the currency unit, as Google Ads reports) to minor units, rounding half away from zero. */
export function microsToMinor(micros: number, currency: string): number {
  const divisor = 10 ** (6 - currencyExponent(currency));
  const sign = micros < 0 ? -1 : 1;
  return sign * Math.round(Math.abs(micros) / divisor);
}

export function minorToMicros(minor: number, currency: string): number {
  return minor * 10 ** (6 - currencyExponent(currency));
}

/** Minor units as a plain decimal string in major units ("1234.50"), exact. */
export function minorToDecimal(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? "" : `.${digits.slice(-exponent)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** Minor units as a float in major units, for display and ratios only (never for storage). */
export function minorToMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

export function formatMoney(value: Money, locale = "en-US"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: value.currency }).format(
    minorToMajor(value.minor, value.currency),
  );
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { minor: a.minor + b.minor, currency: a.currency };
}

export function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new RangeError(
      `cannot combine ${a.currency} and ${b.currency} amounts without an exchange-rate table`,
    );
  }
}
