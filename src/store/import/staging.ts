import type { StandardRow } from "../../connectors/csv/types.js";
import type { SqlSession } from "../session.js";

/**
 * The staging area of one import: a temporary parent table `import_stage` with one child table per
 * batch (`INHERITS`), so a batch is merged from its own small table while every staged row stays
 * queryable through the parent for the whole-file duplicate check. Accounts are staged as a small
 * per-import number (`acct`), resolved through `import_accounts`.
 */
export const STAGE_COLUMNS = [
  "line",
  "date",
  "acct",
  "campaign_id",
  "adgroup_id",
  "ad_id",
  "impressions",
  "clicks",
  "cost_minor",
  "conversions",
  "revenue_minor",
] as const;

export async function createStage(s: SqlSession): Promise<void> {
  await s.exec(`CREATE TEMP TABLE import_stage (
      line integer NOT NULL, date date NOT NULL, acct integer NOT NULL,
      campaign_id text NOT NULL, adgroup_id text NOT NULL, ad_id text NOT NULL,
      impressions bigint NOT NULL, clicks bigint NOT NULL, cost_minor bigint NOT NULL,
      conversions double precision NOT NULL, revenue_minor bigint NOT NULL
    ) ON COMMIT DROP;
    CREATE TEMP TABLE import_accounts (acct integer PRIMARY KEY, id text NOT NULL) ON COMMIT DROP;`);
}

/** Creates the next batch's table under `import_stage` and returns its name. */
export async function createBatchTable(s: SqlSession, batch: number): Promise<string> {
  const table = `import_batch_${batch}`;
  await s.exec(`CREATE TEMP TABLE ${table} () INHERITS (import_stage) ON COMMIT DROP`);
  return table;
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvText(value: string): string {
  if (value === "") return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One staged row as a CSV line for COPY, in STAGE_COLUMNS order. */
export function stageLine(r: StandardRow, acct: number): string {
  return `${r.line},${r.date},${acct},${csvText(r.campaignId)},${csvText(r.adGroupId)},${csvText(r.adId)},${r.impressions},${r.clicks},${r.costMinor},${r.conversions},${r.revenueMinor}\n`;
}
