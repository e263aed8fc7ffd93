/** Readable numbers: currency from integer minor units, thousands separators, percentages, ratios. */

const LOCALE = "en-US";
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Digits after the decimal point of a currency (JPY 0, USD 2, KWD 3). */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat(LOCALE, { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits as number;
}

export function minorToMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

/** "$12,345" (whole units by default) or "$12,345.67" with `cents`. null/NaN show as an en dash. */
export function formatMoney(
  minor: number | null | undefined,
  currency: string,
  options: { cents?: boolean; compact?: boolean } = {},
): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return "–";
  const digits = options.cents ? currencyDigits(currency) : 0;
  const id = `${currency}/${digits}/${options.compact ? "c" : ""}`;
  let f = moneyFormats.get(id);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, {
      style: "currency",
      currency,
      minimumFractionDigits: options.compact ? 0 : digits,
      maximumFractionDigits: options.compact ? 1 : digits,
      notation: options.compact ? "compact" : "standard",
    });
    moneyFormats.set(id, f);
  }
  return f.format(minorToMajor(minor, currency));
}

/** "12,345" or "12,345.6" with `digits`. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A fraction as a percentage: 0.1234 -> "12.3%". */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return "–";
  return `${(fraction * 100).toLocaleString(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;
}

/** A ratio such as ROAS: 3.14159 -> "3.14×". */
export function formatRatio(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${value.toFixed(digits)}×`;
}

/** Relative change between two values, or null when there is no base to compare with. */
export function relativeChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) {
    return null;
  }
  if (previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

/** "+12.3%" / "−4.0%" / "±0.0%"; null -> "no earlier data". */
export function formatChange(change: number | null): string {
  if (change === null) return "no earlier data";
  const sign = change > 0.0005 ? "+" : change < -0.0005 ? "−" : "±";
  return `${sign}${formatPercent(Math.abs(change))}`;
}

/** "2025-03-04T10:00:00.000Z" -> "Mar 4, 10:00" in the browser's zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(LOCALE, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** "2025-03-04" -> "Mar 4". */
export function formatDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return d.toLocaleDateString(LOCALE, { month: "short", day: "numeric", timeZone: "UTC" });
}
