import type { Platform } from "../../domain/platform.js";

export const PRESET_NAMES = ["standard", "google-ads", "meta", "tiktok", "linkedin"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Order of day and month in numeric dates such as 05/11/2024. */
export type DateOrder = "mdy" | "dmy";

export interface ImportOptions {
  /** Default: auto-detected from the header when a platform's export columns are recognised, else "standard". */
  preset?: PresetName;
  /** `--map source=target`: a column of the file (or `$line`) onto a standard column name. */
  map?: Record<string, string>;
  /** `--date`: one ISO date for a file without a date column. */
  date?: string;
  /** `--account`: account id when the file has no account column. */
  account?: string;
  /** Platform when the file has no platform column and the preset implies none. */
  platform?: string;
  /** Currency when the file has none (default USD). */
  currency?: string;
  /** Allowed date range, inclusive (default 2000-01-01 .. today + 1 year). */
  minDate?: string;
  maxDate?: string;
  /** How to read numeric dates whose day and month are both <= 12 (default: reject them as ambiguous). */
  dateOrder?: DateOrder;
}

export interface StandardRow {
  /** 1-based physical line number where the record starts (the header is line 1). */
  line: number;
  date: string;
  platform: Platform;
  accountId: string;
  campaignId: string;
  adGroupId: string;
  adId: string;
  campaignName: string | null;
  adGroupName: string | null;
  adName: string | null;
  impressions: number;
  clicks: number;
  costMinor: number;
  revenueMinor: number;
  conversions: number;
  currency: string;
}

export interface RowRejection {
  file: string;
  line: number;
  /** The column as the file names it, or null when the problem is the row as a whole. */
  column: string | null;
  value: string | null;
  expected: string;
  message: string;
}

export type ImportEvent = { kind: "row"; row: StandardRow } | { kind: "reject"; rejection: RowRejection };

/** A problem with the file as a whole (missing column, unreadable file, bad option): nothing in it can be imported. */
export class ImportFileError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: string | undefined;

  constructor(message: string, where: { file: string; line?: number; column?: string }) {
    super(message);
    this.name = "ImportFileError";
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}
