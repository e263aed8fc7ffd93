import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RowRejection, readImportFile } from "../../src/connectors/csv/index.js";
import { SHIPPED_SAMPLES } from "../../src/connectors/csv/samples.js";
import { importPerformance } from "../../src/store/performance-import.js";
import { performanceReport } from "../../src/store/reports.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

const DATA = join(import.meta.dirname, "..", "..", "..", "shared", "data", "ads");

// The public samples live beside the project (../shared/data/ads); CI clones the project with it.
describe.skipIf(!existsSync(DATA)).each(testEngines())("the shipped public samples on %s", (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => {
    await store?.close();
  });

  for (const sample of SHIPPED_SAMPLES) {
    it(`${sample.folder} imports with totals equal to the independent computation`, async () => {
      const path = join(DATA, sample.folder, sample.file);
      const rejected: RowRejection[] = [];
      const skipInvalid = sample.expected.rejections > 0;
      const result = await importPerformance(store, readImportFile(path, sample.options), {
        file: sample.file,
        preset: "auto",
        skipInvalid,
        onReject: (r) => rejected.push(r),
      });
      expect(result.rejected).toBe(sample.expected.rejections);
      expect(rejected.every((r) => r.message.length > 0 && r.line > 1)).toBe(true);
      const accountIds = result.accounts.map((a) => a.id);
      let total = { impressions: 0, clicks: 0, costMinor: 0, conversions: 0, revenueMinor: 0 };
      for (const accountId of accountIds) {
        const report = await performanceReport(store, { by: "account", grain: "total", accountId });
        total = {
          impressions: total.impressions + report.total.impressions,
          clicks: total.clicks + report.total.clicks,
          costMinor: total.costMinor + report.total.costMinor,
          conversions: total.conversions + report.total.conversions,
          revenueMinor: total.revenueMinor + report.total.revenueMinor,
        };
      }
      const { rows: _rows, rejections: _rejections, ...expected } = sample.expected;
      expect({ ...total, conversions: Math.round(total.conversions * 1000) / 1000 }).toEqual(expected);
      const again = await importPerformance(store, readImportFile(path, sample.options), {
        file: sample.file,
        preset: "auto",
        skipInvalid,
      });
      expect(again.inserted + again.updated).toBe(0);
    });
  }
});
