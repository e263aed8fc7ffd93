import { z } from "zod";
import { principalOf } from "../../auth/principal.js";
import type { ApiApp, ApiDeps, RouteModule } from "../../deps.js";
import { ApiError, badRequest, commonErrorResponses } from "../../errors.js";
import { requireAccount } from "../../routes/account-scope.js";
import { accountIdParams } from "../../schemas/common.js";
import type { FeatureDeps } from "../deps.js";
import { isoSql } from "../shared.js";
import { executeMmmFit, recordMmmFit, type StoredFitResult } from "./fit-job.js";
import { mmmFitParams } from "./params.js";
import { fitView, jobSchema, mmmFitSchema } from "./view.js";
import { NotEnoughDataError, weeklyChannelData } from "./weekly-data.js";

interface FitRow {
  id: number;
  fittedAt: string;
  dataFrom: string | null;
  dataTo: string | null;
  mode: string;
  converged: boolean;
  result: StoredFitResult;
}

const FIT_COLUMNS = `id, ${isoSql("fitted_at")} AS "fittedAt", data_from::text AS "dataFrom", data_to::text AS "dataTo",
  mode, converged, result`;

const jobOf = (r: FitRow) => ({
  id: Number(r.id),
  status: r.result.status,
  progress: r.result.progress,
  error: r.result.error,
  mode: r.mode,
  createdAt: r.fittedAt,
});

/** The latest MMM fit of an account for the dashboard, and starting a new fit. */
export function mmmRoutes(features: FeatureDeps): RouteModule {
  return (app: ApiApp, deps: ApiDeps) => {
    const { store } = deps;

    app.get(
      "/accounts/:accountId/mmm",
      {
        config: { action: "mmm.read" },
        schema: {
          tags: ["mmm"],
          summary:
            "The latest completed MMM fit: contributions, ROAS and marginal ROAS with intervals, curves, diagnostics",
          params: accountIdParams,
          response: {
            200: z.object({
              accountId: z.string(),
              currency: z.string(),
              fit: mmmFitSchema.nullable().describe("null until a fit has completed"),
              job: jobSchema.nullable().describe("the most recent fit job, which may still be running"),
            }),
            ...commonErrorResponses,
          },
        },
      },
      async (request) => {
        const account = await requireAccount(
          store,
          principalOf(request).workspaceId,
          request.params.accountId,
        );
        const [latestJob] = await store.query<FitRow>(
          `SELECT ${FIT_COLUMNS} FROM mmm_fits WHERE account_id = $1 ORDER BY id DESC LIMIT 1`,
          [account.id],
        );
        const [completed] = await store.query<FitRow>(
          `SELECT ${FIT_COLUMNS} FROM mmm_fits WHERE account_id = $1 AND result->>'status' = 'completed'
            ORDER BY fitted_at DESC, id DESC LIMIT 1`,
          [account.id],
        );
        return {
          accountId: account.id,
          currency: account.currency,
          fit: completed ? fitView(completed) : null,
          job: latestJob ? jobOf(latestJob) : null,
        };
      },
    );

    app.post(
      "/accounts/:accountId/mmm/fit",
      {
        config: { action: "mmm.fit" },
        schema: {
          tags: ["mmm"],
          summary:
            "Fit the MMM on the account's weekly channel spend (NUTS, or a quick Laplace preview); runs in the background",
          params: accountIdParams,
          body: mmmFitParams.optional(),
          response: { 202: z.object({ accountId: z.string(), job: jobSchema }), ...commonErrorResponses },
        },
      },
      async (request, reply) => {
        const account = await requireAccount(
          store,
          principalOf(request).workspaceId,
          request.params.accountId,
        );
        const params = request.body ?? mmmFitParams.parse({});
        if (params.from && params.to && params.from > params.to)
          throw badRequest("validation_failed", `from ${params.from} is after to ${params.to}`, "body.from");
        const running = await store.query(
          `SELECT id FROM mmm_fits WHERE account_id = $1 AND result->>'status' IN ('queued', 'running')`,
          [account.id],
        );
        if (running.length > 0) {
          throw new ApiError(
            409,
            "conflict",
            `fit ${running[0].id} of this account is still running; wait for it (GET /accounts/${account.id}/mmm shows its progress)`,
          );
        }
        let data: Awaited<ReturnType<typeof weeklyChannelData>>;
        try {
          data = await weeklyChannelData(store, {
            accountId: account.id,
            currency: account.currency,
            ...params,
          });
        } catch (error) {
          if (error instanceof NotEnoughDataError) throw new ApiError(409, "not_enough_data", error.message);
          throw error;
        }
        const fitId = await recordMmmFit(deps, {
          accountId: account.id,
          params,
          from: data.from,
          to: data.to,
        });
        if (features.startMmmFit) {
          await features.startMmmFit(principalOf(request).workspaceId, {
            ...params,
            fitId,
            accountId: account.id,
          });
        } else {
          void executeMmmFit(deps, fitId).catch((error) =>
            request.log.error({ err: error }, "MMM fit failed"),
          );
        }
        const [row] = await store.query<FitRow>(`SELECT ${FIT_COLUMNS} FROM mmm_fits WHERE id = $1`, [fitId]);
        return reply.code(202).send({ accountId: account.id, job: jobOf(row) });
      },
    );
  };
}
