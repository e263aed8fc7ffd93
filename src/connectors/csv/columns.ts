/** The columns of AdPilot's own import format, in file order. See README.md. */
export const STANDARD_COLUMNS = [
  "date",
  "platform",
  "account_id",
  "campaign_id",
  "adgroup_id",
  "ad_id",
  "impressions",
  "clicks",
  "cost",
  "conversions",
  "revenue",
] as const;

/** Optional columns of the standard format. */
export const OPTIONAL_STANDARD_COLUMNS = ["currency", "campaign_name", "adgroup_name", "ad_name"] as const;

export type StandardColumn = (typeof STANDARD_COLUMNS)[number] | (typeof OPTIONAL_STANDARD_COLUMNS)[number];

export const ALL_STANDARD_COLUMNS: readonly StandardColumn[] = [
  ...STANDARD_COLUMNS,
  ...OPTIONAL_STANDARD_COLUMNS,
];

/**
 * Columns a file described by a platform preset or by --map must provide (date, platform and
 * account_id may instead come from --date, the preset or --platform, and --account). Every other
 * column is optional there: a missing id level is "", a missing metric is 0.
 */
export const ALWAYS_REQUIRED: readonly StandardColumn[] = ["date", "platform", "account_id", "cost"];

export function isStandardColumn(name: string): name is StandardColumn {
  return (ALL_STANDARD_COLUMNS as readonly string[]).includes(name);
}

/** Header names are compared trimmed, case-insensitively and with runs of white space collapsed. */
export function normaliseHeader(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}
