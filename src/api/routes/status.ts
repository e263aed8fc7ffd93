import { z } from "zod";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { ApiError, commonErrorResponses, errorResponseSchema } from "../errors.js";

const statusSchema = z
  .looseObject({ state: z.string().describe("e.g. running, stopping") })
  .describe("what the optimization service reports for the workspace");

/** The optimization service's own report (cycles, failures, queue), for the key's workspace. */
export function statusRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    "/status",
    {
      config: { action: "status.read" },
      schema: {
        tags: ["service"],
        summary: "Service status for the workspace",
        response: { 200: statusSchema, 503: errorResponseSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      if (!deps.status) {
        throw new ApiError(
          503,
          "service_not_running",
          "the optimization service does not run in this process; start it with `adpilot serve`",
        );
      }
      return deps.status.status(principalOf(request).workspaceId);
    },
  );
}
