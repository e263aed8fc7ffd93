// Turns the number text of report exports into plain decimal text ("-1234.50") that the exact
// parsers in src/domain/money.ts accept. Never goes through floating point for amounts.

export type DecimalSeparator = "." | ",";

export type CleanNumber =
  | { ok: true; text: string; currency: string | undefined }
  | { ok: false; problem: string };

const PLAIN = /^\d+(?:\.\d+)?$/;
const FINAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const SYMBOL_CURRENCY: Record<string, string | undefined> = {
  $: undefined, // dollars of many countries: no check
  "€": "EUR",
  "£": "GBP",
  "¥": undefined,
  "₹": "INR",
};
const LEADING_SYMBOL = /^([$€£¥₹])\s*/;
const TRAILING_SYMBOL = /\s*([$€£¥₹])$/;
const LEADING_CODE = /^([A-Za-z]{3})\s*(?=[\d.,(])/;
const TRAILING_CODE = /(?<=[\d.)])\s*([A-Za-z]{3})$/;
const THOUSANDS_DOT_DECIMAL = /^\d{1,3}(?:([, \u00a0\u202f'])\d{3})(?:\1\d{3})*(?:\.\d*)?$/;
const THOUSANDS_COMMA_DECIMAL = /^\d{1,3}(?:([. \u00a0\u202f'])\d{3})(?:\1\d{3})*(?:,\d*)?$/;

/**
 * Accepts thousands separators ("1,234.50", "1 234.50"), a currency symbol or ISO code before or
 * after the number ("$1,234.50", "AED 99", "12.00 EUR"), a sign or accounting parentheses
 * ("(12.50)" is -12.50). With `decimal: ","` the comma is the decimal mark ("1.234,50").
 * Blank text and percentages are problems: callers decide what a blank means.
 */
export function cleanNumber(raw: string, decimal: DecimalSeparator = "."): CleanNumber {
  if (decimal === "." && PLAIN.test(raw)) return { ok: true, text: raw, currency: undefined };
  let s = raw.trim();
  if (s === "") return { ok: false, problem: "the cell is blank" };
  let negative = false;
  if (s.startsWith("(") && s.endsWith(")")) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = negative || s[0] === "-";
    s = s.slice(1).trim();
  }
  let currency: string | undefined;
  const symbol = LEADING_SYMBOL.exec(s) ?? TRAILING_SYMBOL.exec(s);
  if (symbol) {
    currency = SYMBOL_CURRENCY[symbol[1]];
    s = s.replace(symbol[0], "");
  } else {
    const code = LEADING_CODE.exec(s) ?? TRAILING_CODE.exec(s);
    if (code) {
      currency = code[1].toUpperCase();
      s = s.replace(code[0], "");
    }
  }
  if (!negative && s.startsWith("-")) {
    negative = true; // "$-12.50"
    s = s.slice(1);
  }
  if (s.endsWith("%")) return { ok: false, problem: "a percentage is not allowed here" };
  if (decimal === ".") {
    if (s.includes(",") || /[ \u00a0\u202f']/.test(s)) {
      if (!THOUSANDS_DOT_DECIMAL.test(s)) return { ok: false, problem: notANumber(decimal) };
      s = s.replace(/[, \u00a0\u202f']/g, "");
    }
  } else if (/[. \u00a0\u202f']/.test(s)) {
    if (!THOUSANDS_COMMA_DECIMAL.test(s)) return { ok: false, problem: notANumber(decimal) };
    s = s.replace(/[. \u00a0\u202f']/g, "").replace(",", ".");
  } else {
    s = s.replace(",", ".");
  }
  if (!FINAL.test(s)) return { ok: false, problem: notANumber(decimal) };
  return { ok: true, text: negative ? `-${s}` : s, currency };
}

function notANumber(decimal: DecimalSeparator): string {
  return decimal === "."
    ? "not a number (a comma is only accepted as a thousands separator, as in 1,234.50)"
    : "not a number (this format uses a decimal comma, as in 1.234,50)";
}

/** Describes what a number column accepts, for rejection messages. */
export function expectedNumber(kind: "count" | "amount" | "decimal", decimal: DecimalSeparator): string {
  const example = decimal === "." ? "1,234.50" : "1.234,50";
  if (kind === "count") return `a non-negative whole number such as ${decimal === "." ? "1,234" : "1.234"}`;
  if (kind === "amount") return `a non-negative amount such as ${example} or $${example}`;
  return `a non-negative number such as ${decimal === "." ? "12.5" : "12,5"}`;
}
