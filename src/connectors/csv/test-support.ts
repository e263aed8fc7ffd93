// Test helper: read CSV text through the real streaming reader.
import { Readable } from "node:stream";
import { readImportStream } from "./reader.js";
import type { ImportOptions, RowRejection, StandardRow } from "./types.js";

export async function readText(
  text: string,
  options: ImportOptions = {},
  file = "test.csv",
): Promise<{ rows: StandardRow[]; rejections: RowRejection[] }> {
  const rows: StandardRow[] = [];
  const rejections: RowRejection[] = [];
  for await (const event of readImportStream(Readable.from([Buffer.from(text)]), file, options)) {
    if (event.kind === "row") rows.push(event.row);
    else rejections.push(event.rejection);
  }
  return { rows, rejections };
}

export const STANDARD_HEADER =
  "date,platform,account_id,campaign_id,adgroup_id,ad_id,impressions,clicks,cost,conversions,revenue";
