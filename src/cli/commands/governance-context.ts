import type { Command } from "commander";
import { type Actor, createGovernance, type Governance, ROLES, type Role } from "../../governance/index.js";
import { createRng } from "../../models/random/index.js";
import type { Store } from "../../store/index.js";
import { UsageError } from "../errors.js";

export interface ActorFlags {
  as?: string;
  role?: string;
  workspace?: string;
}

/** Options every governance command takes: who acts, in which role and workspace (audited). */
export function withActorOptions(command: Command): Command {
  return command
    .option(
      "--as <user>",
      "who is acting (recorded in the audit log)",
      process.env.ADPILOT_USER ?? process.env.USER ?? "cli",
    )
    .option(
      "--role <role>",
      `viewer|analyst|approver|admin (the local operator is admin by default)`,
      "admin",
    )
    .option("--workspace <id>", "workspace", "default");
}

export function actorFrom(flags: ActorFlags): Actor {
  const role = (flags.role ?? "admin") as Role;
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`--role must be one of ${ROLES.join(", ")}, got "${flags.role}"`);
  }
  return { userId: flags.as ?? "cli", role, workspaceId: flags.workspace ?? "default" };
}

export function governanceFor(store: Store): Governance {
  return createGovernance({ store, clock: () => new Date(), rng: createRng(Date.now() >>> 0) });
}
