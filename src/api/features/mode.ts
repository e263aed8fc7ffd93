import { z } from "zod";
import { MODES } from "../../domain/account-config.js";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps, RouteModule } from "../deps.js";
import { badRequest, commonErrorResponses } from "../errors.js";
import { requireAccount } from "../routes/account-scope.js";
import { accountIdParams } from "../schemas/common.js";
import type { FeatureDeps } from "./deps.js";
import { actorOf } from "./shared.js";

const modeBody = z
  .object({
    mode: z
      .enum(MODES)
      .describe("shadow: propose only; canary: apply a few; live: apply everything approved"),
    justification: z.string().trim().min(1, "say why the mode changes").max(2000),
    confirm: z.boolean().optional().describe("must be true to switch to live"),
  })
  .strict();

/** Switch an account's mode (admin; audited; live needs `confirm: true`). */
export function modeRoutes(features: FeatureDeps): RouteModule {
  return (app: ApiApp, deps: ApiDeps) => {
    app.put(
      "/accounts/:accountId/mode",
      {
        config: { action: "mode.set" },
        schema: {
          tags: ["configuration"],
          summary: "Switch between shadow, canary and live (admin; live needs confirm: true)",
          params: accountIdParams,
          body: modeBody,
          response: {
            200: z.object({ accountId: z.string(), from: z.enum(MODES), to: z.enum(MODES) }),
            ...commonErrorResponses,
          },
        },
      },
      async (request) => {
        const account = await requireAccount(
          deps.store,
          principalOf(request).workspaceId,
          request.params.accountId,
        );
        const { mode, justification, confirm } = request.body;
        if (mode === "live" && confirm !== true) {
          throw badRequest(
            "confirmation_required",
            "live mode applies approved changes to real budgets: send confirm: true to switch to it",
            "body.confirm",
          );
        }
        const result = await features.governance.setMode(actorOf(request), account.id, mode, justification);
        return { accountId: account.id, ...result };
      },
    );
  };
}
