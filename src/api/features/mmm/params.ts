import { z } from "zod";
import { isoDate } from "../../schemas/common.js";

export const mmmFitParams = z
  .object({
    mode: z
      .enum(["nuts", "laplace"])
      .default("nuts")
      .describe(
        "nuts: full posterior (acted on by the service when it converges); laplace: a quick preview, never acted on",
      ),
    target: z.enum(["conversions", "revenue"]).default("conversions"),
    from: isoDate.optional().describe("first day of data (default: all)"),
    to: isoDate.optional().describe("last day of data (default: all)"),
    chains: z.number().int().min(1).max(8).default(4),
    draws: z.number().int().min(50).max(4000).default(1000),
    tune: z.number().int().min(50).max(4000).default(1000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
  })
  .strict()
  .meta({ id: "MmmFitParams" });
export type MmmFitParams = z.infer<typeof mmmFitParams>;
