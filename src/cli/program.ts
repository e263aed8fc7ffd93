import { Command, CommanderError } from "commander";
import { ConfigError } from "../domain/account-config-edit.js";
import { GovernanceError } from "../governance/index.js";
import { registerAccounts } from "./commands/accounts.js";
import { registerAlerts } from "./commands/alerts.js";
import { registerAudit, registerMode, registerRollback } from "./commands/audit.js";
import { registerConfig } from "./commands/config.js";
import { registerConnect } from "./commands/connect.js";
import { registerDb } from "./commands/db.js";
import { registerDemo } from "./commands/demo.js";
import { registerHealth } from "./commands/health.js";
import { registerImport } from "./commands/import.js";
import { registerKeys } from "./commands/keys.js";
import { registerLab } from "./commands/lab.js";
import { registerMmm } from "./commands/mmm.js";
import { registerOverrides } from "./commands/overrides.js";
import { registerPlatforms } from "./commands/platforms.js";
import { registerProposals } from "./commands/proposals.js";
import { registerReport } from "./commands/report.js";
import { registerServe } from "./commands/serve.js";
import { UsageError } from "./errors.js";

export function buildProgram(): Command {
  const program = new Command("adpilot")
    .description("AdPilot: a self-hosted autopilot for paid-media budgets")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)");
  registerImport(program);
  registerReport(program);
  registerAccounts(program);
  registerConfig(program);
  registerDb(program);
  registerProposals(program);
  registerOverrides(program);
  registerRollback(program);
  registerMode(program);
  registerAudit(program);
  registerKeys(program);
  registerServe(program);
  registerConnect(program);
  registerPlatforms(program);
  registerAlerts(program);
  registerHealth(program);
  registerMmm(program);
  registerLab(program);
  registerDemo(program);
  return program;
}

/** Runs one CLI invocation and returns its exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const usage =
      error instanceof UsageError || error instanceof ConfigError || error instanceof GovernanceError;
    console.error(`error: ${(error as Error).message}`);
    if (process.env.ADPILOT_DEBUG && error instanceof Error) console.error(error.stack);
    return usage ? 2 : 1;
  }
}
