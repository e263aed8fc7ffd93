import { isIsoDate } from "../../domain/time.js";
import type { SqlSession } from "../../store/index.js";
import { invalidInput, notFound } from "../errors.js";

/**
 * Impact tracking hooks. The models estimate what the optimizer would have done (the counterfactual of
 * the overridden entity, from the model's posterior); governance stores it against the actual outcome
 * and reports it per override and per analyst. Positive delta = the override did better.
 */
export interface OverrideImpactInput {
  overrideId: number;
  periodFrom: string;
  periodTo: string;
  /** e.g. "conversions", "revenue_minor", "pipeline_value_minor". */
  metric: string;
  actual: number;
  counterfactual: number;
  counterfactualLow?: number | null;
  counterfactualHigh?: number | null;
  modelVersion: string;
}

export async function recordOverrideImpact(
  db: Pick<SqlSession, "query">,
  input: OverrideImpactInput,
  at: Date,
): Promise<void> {
  if (!isIsoDate(input.periodFrom) || !isIsoDate(input.periodTo) || input.periodTo < input.periodFrom) {
    throw invalidInput(
      `impact period must be two ISO dates with from <= to (got ${input.periodFrom} .. ${input.periodTo})`,
    );
  }
  if (!Number.isFinite(input.actual) || !Number.isFinite(input.counterfactual))
    throw invalidInput("impact values must be finite numbers");
  if (!input.metric?.trim() || !input.modelVersion?.trim())
    throw invalidInput("impact needs a metric and the model version of the counterfactual");
  const [exists] = await db.query("SELECT 1 FROM overrides WHERE id = $1", [input.overrideId]);
  if (!exists) throw notFound(`override ${input.overrideId} does not exist`);
  await db.query(
    `INSERT INTO override_impacts (override_id, period_from, period_to, metric, actual, counterfactual, counterfactual_low, counterfactual_high, model_version, recorded_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
     ON CONFLICT (override_id, period_from, period_to, metric) DO UPDATE SET actual = EXCLUDED.actual, counterfactual = EXCLUDED.counterfactual,
       counterfactual_low = EXCLUDED.counterfactual_low, counterfactual_high = EXCLUDED.counterfactual_high,
       model_version = EXCLUDED.model_version, recorded_at = EXCLUDED.recorded_at`,
    [
      input.overrideId,
      input.periodFrom,
      input.periodTo,
      input.metric,
      input.actual,
      input.counterfactual,
      input.counterfactualLow ?? null,
      input.counterfactualHigh ?? null,
      input.modelVersion,
      at,
    ],
  );
}

export interface OverrideImpactRow {
  overrideId: number;
  analyst: string;
  kind: string;
  metric: string;
  actual: number;
  counterfactual: number;
  delta: number;
}

export interface AnalystImpactRow {
  analyst: string;
  metric: string;
  overrides: number;
  actual: number;
  counterfactual: number;
  delta: number;
  /** Overrides that beat the counterfactual. */
  wins: number;
}

export async function overrideImpactReport(
  db: Pick<SqlSession, "query">,
  filter: { workspaceId: string; accountId?: string },
): Promise<{ perOverride: OverrideImpactRow[]; perAnalyst: AnalystImpactRow[] }> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT o.id, o.created_by, o.kind, i.metric, SUM(i.actual) AS actual, SUM(i.counterfactual) AS counterfactual
       FROM overrides o JOIN override_impacts i ON i.override_id = o.id
      WHERE o.workspace_id = $1 AND ($2::text IS NULL OR o.account_id = $2)
      GROUP BY o.id, o.created_by, o.kind, i.metric ORDER BY o.id, i.metric`,
    [filter.workspaceId, filter.accountId ?? null],
  );
  const perOverride = rows.map((r) => ({
    overrideId: Number(r.id),
    analyst: r.created_by as string,
    kind: r.kind as string,
    metric: r.metric as string,
    actual: Number(r.actual),
    counterfactual: Number(r.counterfactual),
    delta: Number(r.actual) - Number(r.counterfactual),
  }));
  const byAnalyst = new Map<string, AnalystImpactRow>();
  for (const r of perOverride) {
    const key = `${r.analyst}\u0000${r.metric}`;
    const a = byAnalyst.get(key) ?? {
      analyst: r.analyst,
      metric: r.metric,
      overrides: 0,
      actual: 0,
      counterfactual: 0,
      delta: 0,
      wins: 0,
    };
    a.overrides++;
    a.actual += r.actual;
    a.counterfactual += r.counterfactual;
    a.delta += r.delta;
    if (r.delta > 0) a.wins++;
    byAnalyst.set(key, a);
  }
  return { perOverride, perAnalyst: [...byAnalyst.values()] };
}
