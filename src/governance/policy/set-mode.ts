import { MODES, type Mode } from "../../domain/account-config.js";
import { appendAudit } from "../audit/audit-log.js";
import type { Actor } from "../auth/authorize.js";
import { ensureAllowed } from "../auth/ensure.js";
import { loadAccount } from "../context/account.js";
import type { GovernanceDeps } from "../deps.js";
import { invalidInput } from "../errors.js";

/**
 * Switches an account between shadow, canary and live. Admin only, with a justification; the switch is
 * audited in the same transaction. Accounts start in shadow (the config default).
 */
export async function setMode(
  deps: GovernanceDeps,
  actor: Actor,
  accountId: string,
  mode: Mode,
  justification: string,
): Promise<{ from: Mode; to: Mode }> {
  if (!MODES.includes(mode)) throw invalidInput(`unknown mode "${mode}" (valid: ${MODES.join(", ")})`);
  if (!justification?.trim())
    throw invalidInput(`switching account ${accountId} to ${mode} needs a justification`);
  return deps.store.transaction(async (s) => {
    const now = deps.clock();
    const account = await loadAccount(s, accountId);
    ensureAllowed(actor, "mode.set", account.workspaceId);
    const from = account.config.mode;
    const config = { ...account.config, mode };
    await s.query(
      `INSERT INTO account_configs (account_id, config, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id) DO UPDATE SET config = EXCLUDED.config, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [accountId, JSON.stringify(config), now, actor.userId],
    );
    await appendAudit(
      s,
      {
        workspaceId: account.workspaceId,
        accountId,
        actor: actor.userId,
        action: "account.mode_changed",
        subjectType: "account",
        subjectId: accountId,
        before: { mode: from },
        after: { mode, justification: justification.trim() },
      },
      now,
    );
    return { from, to: mode };
  });
}
