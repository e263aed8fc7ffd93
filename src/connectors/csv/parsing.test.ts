import { describe, expect, it } from "vitest";
import { parseDate } from "./dates.js";
import { cleanNumber } from "./numbers.js";

describe("cleanNumber", () => {
  it.each([
    ["1234.5", "1234.5", undefined],
    ["1,234.50", "1234.50", undefined],
    ["1,234,567", "1234567", undefined],
    [" $1,234.50 ", "1234.50", undefined],
    ["€10", "10", "EUR"],
    ["£3.20", "3.20", "GBP"],
    ["AED 99.5", "99.5", "AED"],
    ["12.00 EUR", "12.00", "EUR"],
    ["(12.50)", "-12.50", undefined],
    ["-3", "-3", undefined],
    ["$-3", "-3", undefined],
    [".5", ".5", undefined],
  ])("%s -> %s", (raw, text, currency) => {
    expect(cleanNumber(raw)).toEqual({ ok: true, text, currency });
  });

  it.each([
    ["", "the cell is blank"],
    ["12%", "a percentage is not allowed here"],
    ["1,5", "not a number (a comma is only accepted as a thousands separator, as in 1,234.50)"],
    ["12,34,5", "not a number (a comma is only accepted as a thousands separator, as in 1,234.50)"],
    ["abc", "not a number (a comma is only accepted as a thousands separator, as in 1,234.50)"],
    ["1e5", "not a number (a comma is only accepted as a thousands separator, as in 1,234.50)"],
  ])("%s is rejected: %s", (raw, problem) => {
    expect(cleanNumber(raw)).toEqual({ ok: false, problem });
  });

  it("reads the decimal comma only when asked to", () => {
    expect(cleanNumber("1.234,50", ",")).toEqual({ ok: true, text: "1234.50", currency: undefined });
    expect(cleanNumber("12,5", ",")).toEqual({ ok: true, text: "12.5", currency: undefined });
    expect(cleanNumber("1.234,50").ok).toBe(false);
  });
});

describe("parseDate", () => {
  it.each([
    ["2024-01-15", "2024-01-15"],
    ["2024/01/15", "2024-01-15"],
    ["2024-1-5", "2024-01-05"],
    ["2024-01-15 00:00:00", "2024-01-15"],
    ["15-01-2024", "2024-01-15"],
    ["01/15/2024", "2024-01-15"],
    ["11/11/2024", "2024-11-11"],
    ["Jan 15, 2024", "2024-01-15"],
    ["Mon, Jan 15, 2024", "2024-01-15"],
    ["January 15 2024", "2024-01-15"],
    ["15 Jan 2024", "2024-01-15"],
    ["15-Jan-2024", "2024-01-15"],
    ["2024-02-29", "2024-02-29"],
  ])("%s -> %s", (raw, date) => {
    expect(parseDate(raw)).toEqual({ ok: true, date });
  });

  it("rejects ambiguous day/month unless an order is given", () => {
    expect(parseDate("05/11/2024")).toEqual({
      ok: false,
      problem:
        "ambiguous date: it could be 2024-05-11 (month first) or 2024-11-05 (day first); write it as YYYY-MM-DD or set the date order",
    });
    expect(parseDate("05/11/2024", "mdy")).toEqual({ ok: true, date: "2024-05-11" });
    expect(parseDate("05/11/2024", "dmy")).toEqual({ ok: true, date: "2024-11-05" });
  });

  it.each([
    ["2023-02-29", '"2023-02-29" is not a calendar date'],
    ["13/13/2024", '"13/13/2024" is not a calendar date'],
    ["13/14/2024", "not a calendar date"],
    ["Foo 1, 2024", 'unknown month name "Foo"'],
    ["1/2/24", "not a date in a known format"],
    ["", "the date is blank"],
  ])("%s is rejected: %s", (raw, problem) => {
    expect(parseDate(raw)).toEqual({ ok: false, problem });
  });
});
