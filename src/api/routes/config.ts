import { z } from "zod";
import { configKeys } from "../../domain/account-config.js";
import { ConfigError, parseAccountConfig, setConfigValue } from "../../domain/account-config-edit.js";
import { getAccountConfig } from "../../store/accounts.js";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { badRequest, commonErrorResponses } from "../errors.js";
import { accountIdParams } from "../schemas/common.js";
import { requireAccount } from "./account-scope.js";

const configResponse = z.object({
  accountId: z.string(),
  config: z.record(z.string(), z.unknown()).describe("the full configuration, defaults filled in"),
});

const putBody = z
  .object({
    values: z
      .record(z.string(), z.unknown())
      .refine((v) => Object.keys(v).length > 0, "give at least one key")
      .describe('dotted keys and their new values, e.g. { "guardrails.velocity6h": 0.15, "killRoas": 0.6 }'),
  })
  .strict();

/** The text form the domain's validator reads (the same as `adpilot config set`). */
function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Per-account configuration. PUT changes any number of keys at once, all or nothing: the first invalid
 * key is reported (400, field values.<key>, with the allowed values) and nothing is written. The mode is
 * not set here: switching modes is an audited governance action with a justification.
 */
export function configRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    "/accounts/:accountId/config",
    {
      config: { action: "config.read" },
      schema: {
        tags: ["configuration"],
        summary: "The account's configuration",
        params: accountIdParams,
        response: { 200: configResponse, ...commonErrorResponses },
      },
    },
    async (request) => {
      const account = await requireAccount(
        deps.store,
        principalOf(request).workspaceId,
        request.params.accountId,
      );
      return { accountId: account.id, config: await getAccountConfig(deps.store, account.id) };
    },
  );

  app.put(
    "/accounts/:accountId/config",
    {
      config: { action: "config.write" },
      schema: {
        tags: ["configuration"],
        summary: `Change configuration keys (valid keys: ${configKeys().join(", ")})`,
        params: accountIdParams,
        body: putBody,
        response: { 200: configResponse, ...commonErrorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const account = await requireAccount(deps.store, principal.workspaceId, request.params.accountId);
      const config = await deps.store.transaction(async (tx) => {
        const rows = await tx.query<{ config: unknown }>(
          "SELECT config FROM account_configs WHERE account_id = $1 FOR UPDATE",
          [account.id],
        );
        let next = parseAccountConfig(rows[0]?.config ?? {});
        for (const [key, value] of Object.entries(request.body.values)) {
          if (key === "mode") {
            if (value === next.mode) continue;
            throw badRequest(
              "mode_needs_governance",
              "the mode is changed by an audited governance action with a justification (`adpilot mode set`), not through configuration",
              "values.mode",
            );
          }
          try {
            next = setConfigValue(next, key, asText(value));
          } catch (error) {
            if (error instanceof ConfigError) throw error;
            throw new ConfigError(key, `invalid value for ${key}: ${(error as Error).message}`);
          }
        }
        await tx.query(
          `INSERT INTO account_configs (account_id, config, updated_by, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (account_id) DO UPDATE SET config = EXCLUDED.config, updated_by = EXCLUDED.updated_by,
             updated_at = EXCLUDED.updated_at`,
          [account.id, JSON.stringify(next), `api-key:${principal.keyId}`, deps.clock()],
        );
        return next;
      });
      return { accountId: account.id, config };
    },
  );
}
