// ISO 4217 currencies with their minor-unit exponent (number of decimal places).
// Source: ISO 4217 list (SIX), as used by Google Ads, Meta and Stripe. Extend as needed.
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  AED: 2,
  ARS: 2,
  AUD: 2,
  BDT: 2,
  BGN: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  COP: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KES: 2,
  KRW: 0,
  KWD: 3,
  MAD: 2,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PEN: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  QAR: 2,
  RON: 2,
  RUB: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TND: 3,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  VND: 0,
  ZAR: 2,
});

export type CurrencyCode = string & { readonly __currency: unique symbol };

export function isKnownCurrency(code: string): boolean {
  return Object.hasOwn(CURRENCY_EXPONENTS, code);
}

export function knownCurrencies(): string[] {
  return Object.keys(CURRENCY_EXPONENTS).sort();
}

/** Validates an ISO 4217 code (case-insensitive) and returns it upper-cased, or throws a clear error. */
export function parseCurrency(code: string): CurrencyCode {
  const upper = code.trim().toUpperCase();
  if (!isKnownCurrency(upper)) {
    throw new RangeError(
      `unknown currency "${code}": expected an ISO 4217 code such as USD, EUR, GBP, AED, JPY (known: ${knownCurrencies().length} codes)`,
    );
  }
  return upper as CurrencyCode;
}

export function currencyExponent(code: string): number {
  const exponent = CURRENCY_EXPONENTS[code];
  if (exponent === undefined) throw new RangeError(`unknown currency "${code}"`);
  return exponent;
}
