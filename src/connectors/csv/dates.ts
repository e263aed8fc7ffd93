import { isoDateFromParts } from "../../domain/time.js";
import type { DateOrder } from "./types.js";

export type ParsedDate = { ok: true; date: string } | { ok: false; problem: string };

export const EXPECTED_DATE =
  "a date such as 2024-01-15, 2024/01/15, 15-01-2024, 01/15/2024 or Jan 15, 2024 (day and month must be unambiguous)";

const ISO =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const YEAR_LAST = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;
const MONTH_FIRST = /^(?:[A-Za-z]{3,9},?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/; // (Mon, )Jan 15, 2024
const DAY_FIRST = /^(\d{1,2})[\s-]([A-Za-z]{3,9})\.?[\s-,]+(\d{4})$/; // 15 Jan 2024, 15-Jan-2024
const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};

/**
 * Parses the date formats of report exports into ISO YYYY-MM-DD. Numeric dates with the year last
 * (01/15/2024, 15-01-2024) are read by the value itself when one part is above 12, by `order`
 * otherwise; without an order, 05/11/2024 is rejected as ambiguous rather than guessed.
 */
export function parseDate(raw: string, order?: DateOrder): ParsedDate {
  const text = raw.trim();
  if (text === "") return { ok: false, problem: "the date is blank" };
  if (isPlainIso(text)) return { ok: true, date: text };
  let match = ISO.exec(text);
  if (match) return fromParts(+match[1], +match[2], +match[3], text);
  match = YEAR_LAST.exec(text);
  if (match) {
    const [a, b, year] = [+match[1], +match[3], +match[4]];
    if (order === "mdy") return fromParts(year, a, b, text);
    if (order === "dmy") return fromParts(year, b, a, text);
    if (a > 12 && b <= 12) return fromParts(year, b, a, text);
    if (b > 12 && a <= 12) return fromParts(year, a, b, text);
    if (a === b) return fromParts(year, a, b, text);
    if (a <= 12 && b <= 12) {
      const mdy = isoDateFromParts(year, a, b);
      const dmy = isoDateFromParts(year, b, a);
      return {
        ok: false,
        problem: `ambiguous date: it could be ${mdy} (month first) or ${dmy} (day first); write it as YYYY-MM-DD or set the date order`,
      };
    }
    return { ok: false, problem: "not a calendar date" };
  }
  match = MONTH_FIRST.exec(text);
  if (match) return named(+match[3], match[1], +match[2], text);
  match = DAY_FIRST.exec(text);
  if (match) return named(+match[3], match[2], +match[1], text);
  return { ok: false, problem: "not a date in a known format" };
}

function isPlainIso(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const month = +text.slice(5, 7);
  const day = +text.slice(8, 10);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    (day <= 28 || isoDateFromParts(+text.slice(0, 4), month, day) !== undefined)
  );
}

function named(year: number, monthName: string, day: number, text: string): ParsedDate {
  const month = MONTHS[monthName.toLowerCase()];
  if (month === undefined) return { ok: false, problem: `unknown month name "${monthName}"` };
  return fromParts(year, month, day, text);
}

function fromParts(year: number, month: number, day: number, text: string): ParsedDate {
  const date = isoDateFromParts(year, month, day);
  return date === undefined ? { ok: false, problem: `"${text}" is not a calendar date` } : { ok: true, date };
}

/** Today + 1 year, in UTC, as the default latest importable date. */
export function defaultMaxDate(now: Date = new Date()): string {
  const next = new Date(Date.UTC(now.getUTCFullYear() + 1, now.getUTCMonth(), now.getUTCDate()));
  return next.toISOString().slice(0, 10);
}

export const DEFAULT_MIN_DATE = "2000-01-01";
