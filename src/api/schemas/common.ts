import { z } from "zod";

export const accountIdParams = z.object({
  accountId: z.string().min(1).max(200).describe("our account id, as listed by GET /accounts"),
});

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "not a calendar date");

export const ACCOUNT_STATUSES = ["active", "paused", "removed"] as const;
export const PLATFORMS = ["google", "meta", "tiktok", "linkedin", "csv", "sandbox"] as const;

export const accountSchema = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    platform: z.string(),
    externalId: z.string(),
    name: z.string(),
    currency: z.string(),
    timeZone: z.string(),
    status: z.enum(ACCOUNT_STATUSES),
  })
  .meta({ id: "Account" });
