import { z } from "zod";

export const LAB_POLICIES = ["scenario", "uniform", "greedy", "thompson", "oracle"] as const;
/** A run costs about worlds x users x days user-days; this bounds one request to minutes of CPU. */
export const MAX_USER_DAYS = 2e9;

export const labRunParams = z
  .object({
    scenario: z.string().min(1).max(100).describe("a shipped scenario's name (GET /lab/scenarios)"),
    days: z.number().int().min(1).max(365),
    worlds: z.number().int().min(1).max(1000).describe("Monte Carlo worlds, each on its own seed"),
    users: z
      .number()
      .int()
      .min(100)
      .max(200_000)
      .optional()
      .describe("simulated users (default: the scenario's)"),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    policy: z.enum(LAB_POLICIES),
  })
  .strict()
  .meta({ id: "LabRunParams" });
export type LabRunParams = z.infer<typeof labRunParams>;
