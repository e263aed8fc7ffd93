import type { RowRejection } from "../../connectors/csv/types.js";
import type { SqlSession } from "../session.js";
import { ImportRejectedError } from "./errors.js";

const KEY = "acct, date, campaign_id, adgroup_id, ad_id";
const EXPECTED = "one row per date, account, campaign, ad group and ad";

/**
 * Finds rows of `import_stage` whose key (account, date, campaign, ad group, ad) already appeared on an
 * earlier line. All or nothing: throws ImportRejectedError for the first such line. With `skipInvalid`:
 * hands every such line to `onReject`, deletes it from the stage (the first occurrence wins) and
 * returns how many there were.
 */
export async function rejectDuplicateKeys(
  s: SqlSession,
  file: string,
  skipInvalid: boolean,
  onReject?: (rejection: RowRejection) => void,
): Promise<number> {
  // A hash aggregate answers "any duplicates?" cheaply; the line numbers are looked up only when there are.
  const any = await s.query(`SELECT 1 FROM import_stage GROUP BY ${KEY} HAVING count(*) > 1 LIMIT 1`);
  if (any.length === 0) return 0;
  const duplicates = await s.query<{
    line: number;
    first_line: number;
    date: string;
    campaign_id: string;
    adgroup_id: string;
    ad_id: string;
  }>(
    `SELECT line, first_line, date, campaign_id, adgroup_id, ad_id FROM (
       SELECT line, date, campaign_id, adgroup_id, ad_id, min(line) OVER (PARTITION BY ${KEY}) AS first_line
       FROM import_stage) d
     WHERE line <> first_line ORDER BY line LIMIT ${skipInvalid ? 1_000_000 : 1}`,
  );
  const rejection = (d: (typeof duplicates)[number]): RowRejection => ({
    file,
    line: d.line,
    column: null,
    value: null,
    expected: EXPECTED,
    message: `duplicate key inside the file: date ${d.date}, campaign "${d.campaign_id}", ad group "${d.adgroup_id}", ad "${d.ad_id}" already appears on line ${d.first_line}`,
  });
  if (!skipInvalid) throw new ImportRejectedError(rejection(duplicates[0]));
  for (const d of duplicates) onReject?.(rejection(d));
  await s.query(
    `DELETE FROM import_stage s USING (
       SELECT line, min(line) OVER (PARTITION BY ${KEY}) AS first_line FROM import_stage) d
     WHERE s.line = d.line AND d.line <> d.first_line`,
  );
  return duplicates.length;
}
