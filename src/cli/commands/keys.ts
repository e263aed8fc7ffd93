import type { Command } from "commander";
import { ROLES, type Role } from "../../api/auth/roles.js";
import { ApiKeyInputError, createApiKey, listApiKeys, revokeApiKey } from "../../api/keys/index.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { renderTable } from "../table.js";

function parseRole(text: string): Role {
  if (!(ROLES as readonly string[]).includes(text)) {
    throw new UsageError(`unknown role "${text}"; valid roles: ${ROLES.join(", ")}`);
  }
  return text as Role;
}

/** `adpilot keys create|list|revoke`: API keys per workspace, stored hashed, shown once. */
export function registerKeys(program: Command): void {
  const keys = program
    .command("keys")
    .description("API keys for the HTTP API (one workspace and one role each)");
  keys
    .command("create")
    .description("create a key; it is printed once and cannot be shown again")
    .option("--workspace <id>", "workspace the key belongs to", "default")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .requiredOption("--name <name>", "who or what uses the key, e.g. dashboard or ann@example.com")
    .option("--json", "print as JSON")
    .action(async (flags: { workspace: string; role: string; name: string; json?: boolean }) => {
      const role = parseRole(flags.role);
      const created = await withStore(async (store) => {
        try {
          return await createApiKey(store, { workspaceId: flags.workspace, role, name: flags.name });
        } catch (error) {
          if (error instanceof ApiKeyInputError) throw new UsageError(error.message);
          throw error;
        }
      });
      if (flags.json) {
        console.log(JSON.stringify({ key: created.key, ...created.info }, null, 2));
        return;
      }
      console.log(`Created ${role} key ${created.id} for workspace ${flags.workspace}:`);
      console.log(`\n  ${created.key}\n`);
      console.log("Store it now: it is not shown again. Use it as the header Authorization: Bearer <key>.");
    });
  keys
    .command("list")
    .description("the keys of a workspace (never their secrets)")
    .option("--workspace <id>", "workspace", "default")
    .option("--all", "include revoked keys")
    .option("--json", "print as JSON")
    .action(async (flags: { workspace: string; all?: boolean; json?: boolean }) => {
      const list = await withStore((store) =>
        listApiKeys(store, flags.workspace, { includeRevoked: Boolean(flags.all) }),
      );
      if (flags.json) {
        console.log(JSON.stringify(list, null, 2));
        return;
      }
      if (list.length === 0) {
        console.log(
          `No keys in workspace ${flags.workspace}. Create one with \`adpilot keys create --role admin --name <who>\`.`,
        );
        return;
      }
      console.log(
        renderTable(
          ["id", "role", "name", "created", "last used", "revoked"],
          list.map((k) => [k.id, k.role, k.name, k.createdAt, k.lastUsedAt ?? "never", k.revokedAt ?? ""]),
        ),
      );
    });
  keys
    .command("revoke <id>")
    .description("revoke a key at once (it stays listed with --all)")
    .option("--workspace <id>", "workspace", "default")
    .action(async (id: string, flags: { workspace: string }) => {
      const revoked = await withStore((store) => revokeApiKey(store, flags.workspace, id));
      if (!revoked) {
        throw new UsageError(
          `workspace ${flags.workspace} has no key "${id}"; \`adpilot keys list --workspace ${flags.workspace}\` shows the ids`,
        );
      }
      console.log(`Revoked key ${revoked.id} (${revoked.role}, ${revoked.name}) at ${revoked.revokedAt}.`);
    });
}
