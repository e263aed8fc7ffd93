import { z } from "zod";
import { listScenarios, loadScenario } from "../../../connectors/sandbox/index.js";
import { principalOf } from "../../auth/principal.js";
import type { ApiApp, ApiDeps, RouteModule } from "../../deps.js";
import { badRequest, commonErrorResponses } from "../../errors.js";
import type { FeatureDeps } from "../deps.js";
import { idParams, isoSql, requireOwned } from "../shared.js";
import { executeLabRun, recordLabRun } from "./job.js";
import { labRunParams, MAX_USER_DAYS } from "./params.js";

const estimate = z
  .object({
    mean: z.number().nullable(),
    ciLow: z.number().nullable(),
    ciHigh: z.number().nullable(),
    p025: z.number().nullable(),
    p975: z.number().nullable(),
  })
  .meta({ id: "LabEstimate" });

const summarySchema = z
  .object({
    scenario: z.string(),
    policy: z.string(),
    worlds: z.number().int(),
    users: z.number().int(),
    days: z.number().int(),
    seed: z.number().int(),
    currency: z.string(),
    spend: estimate.describe("major units"),
    conversions: estimate.describe("platform-reported"),
    cac: estimate,
    roas: estimate,
    trueConversions: estimate,
    incrementalConversions: estimate,
    incrementalRevenue: estimate,
    pctOfOracle: estimate.nullable().describe("incremental conversions as % of the oracle allocation's"),
    pacingError: estimate,
    perWorld: z
      .array(z.record(z.string(), z.number().nullable()))
      .optional()
      .describe("GET /lab/runs/:id only"),
  })
  .meta({ id: "LabSummary" });

const runSchema = z
  .object({
    id: z.number().int(),
    scenario: z.string(),
    params: z.record(z.string(), z.unknown()),
    status: z.enum(["queued", "running", "completed", "failed"]),
    progress: z.number(),
    result: summarySchema.nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "LabRun" });
type RunOut = z.infer<typeof runSchema>;

const RUN_COLUMNS = `id, scenario, params, status, progress, result, error, ${isoSql("created_at")} AS "createdAt",
  ${isoSql("finished_at")} AS "finishedAt"`;

/** Lists leave out the per-world rows (up to 1,000 per run); the single-run view has them. */
const asRun = (r: RunOut, withWorlds: boolean): RunOut => {
  const out = { ...r, id: Number(r.id) };
  if (out.result && !withWorlds) {
    const { perWorld: _dropped, ...rest } = out.result;
    out.result = rest;
  }
  return out;
};

/** The simulation lab: shipped scenarios, Monte Carlo runs in the background with progress and summary. */
export function labRoutes(features: FeatureDeps): RouteModule {
  return (app: ApiApp, deps: ApiDeps) => {
    const { store } = deps;

    app.get(
      "/lab/scenarios",
      {
        config: { action: "lab.read" },
        schema: {
          tags: ["lab"],
          summary: "The shipped simulation scenarios",
          response: {
            200: z.object({
              scenarios: z.array(
                z.object({
                  name: z.string(),
                  description: z.string(),
                  users: z.number().int(),
                  currency: z.string(),
                }),
              ),
            }),
            ...commonErrorResponses,
          },
        },
      },
      async () => ({
        scenarios: listScenarios().map((s) => {
          const scenario = loadScenario(s.name);
          return {
            name: s.name,
            description: s.description,
            users: scenario.population.users,
            currency: scenario.currency,
          };
        }),
      }),
    );

    app.post(
      "/lab/runs",
      {
        config: { action: "lab.run" },
        schema: {
          tags: ["lab"],
          summary: `Start a Monte Carlo run of a scenario under a policy (worlds x users x days at most ${MAX_USER_DAYS.toExponential()})`,
          body: labRunParams,
          response: { 202: z.object({ run: runSchema }), ...commonErrorResponses },
        },
      },
      async (request, reply) => {
        const { workspaceId } = principalOf(request);
        const params = request.body;
        const names = listScenarios().map((s) => s.name);
        if (!names.includes(params.scenario)) {
          throw badRequest(
            "validation_failed",
            `unknown scenario "${params.scenario}"; shipped scenarios: ${names.join(", ")}`,
            "body.scenario",
          );
        }
        const users = params.users ?? loadScenario(params.scenario).population.users;
        const userDays = params.worlds * users * params.days;
        if (userDays > MAX_USER_DAYS) {
          throw badRequest(
            "validation_failed",
            `worlds x users x days = ${userDays.toExponential(2)} is over the limit of ${MAX_USER_DAYS.toExponential()}; use fewer worlds, users or days`,
            "body.worlds",
          );
        }
        const runId = await recordLabRun(deps, workspaceId, params);
        if (features.startLabRun) await features.startLabRun(workspaceId, { ...params, runId });
        else
          void executeLabRun(deps, runId).catch((error) =>
            request.log.error({ err: error }, "lab run failed"),
          );
        const [row] = await store.query<RunOut>(`SELECT ${RUN_COLUMNS} FROM lab_runs WHERE id = $1`, [runId]);
        return reply.code(202).send({ run: asRun(row, false) });
      },
    );

    app.get(
      "/lab/runs",
      {
        config: { action: "lab.read" },
        schema: {
          tags: ["lab"],
          summary: "Lab runs of the workspace, newest first (summaries without per-world rows)",
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict(),
          response: { 200: z.object({ runs: z.array(runSchema) }), ...commonErrorResponses },
        },
      },
      async (request) => {
        const rows = await store.query<RunOut>(
          `SELECT ${RUN_COLUMNS} FROM lab_runs WHERE workspace_id = $1 ORDER BY id DESC LIMIT $2`,
          [principalOf(request).workspaceId, request.query.limit],
        );
        return { runs: rows.map((r) => asRun(r, false)) };
      },
    );

    app.get(
      "/lab/runs/:id",
      {
        config: { action: "lab.read" },
        schema: {
          tags: ["lab"],
          summary: "One lab run: status, progress and, when completed, its summary with per-world rows",
          params: idParams,
          response: { 200: z.object({ run: runSchema }), ...commonErrorResponses },
        },
      },
      async (request) => {
        const { id } = request.params;
        await requireOwned(store, "lab_runs", id, principalOf(request).workspaceId, "lab run");
        const [row] = await store.query<RunOut>(`SELECT ${RUN_COLUMNS} FROM lab_runs WHERE id = $1`, [id]);
        return { run: asRun(row, true) };
      },
    );
  };
}
