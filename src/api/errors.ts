import { z } from "zod";

/** The one error shape of the API: a code for programs, a sentence for people, the field at fault. */
export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().describe("stable machine-readable code, e.g. validation_failed, not_found"),
      message: z.string().describe("what went wrong and what would work instead"),
      field: z.string().nullable().describe("path of the input at fault, e.g. body.role; null if none"),
    }),
  })
  .meta({ id: "Error" });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody(): ErrorResponse {
    return { error: { code: this.code, message: this.message, field: this.field } };
  }
}

export const badRequest = (code: string, message: string, field: string | null = null) =>
  new ApiError(400, code, message, field);
export const unauthorized = (message: string) => new ApiError(401, "unauthorized", message);
export const forbidden = (message: string) => new ApiError(403, "forbidden", message);
export const notFound = (message: string, field: string | null = null) =>
  new ApiError(404, "not_found", message, field);
export const conflict = (message: string, field: string | null = null) =>
  new ApiError(409, "conflict", message, field);

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const commonErrorResponses = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  413: errorResponseSchema,
  429: errorResponseSchema,
} as const;
