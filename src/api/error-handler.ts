import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ConfigError } from "../domain/account-config-edit.js";
import { AuthorizationError } from "../governance/auth/authorize.js";
import { GovernanceError } from "../governance/errors.js";
import { ApiError } from "./errors.js";

const GOVERNANCE_STATUS: Record<string, number> = {
  not_found: 404,
  invalid_input: 400,
  forbidden: 403,
  conflict: 409,
  expired: 409,
};

const VALIDATION_PART: Record<string, string> = {
  body: "body",
  querystring: "query",
  params: "params",
  headers: "headers",
};

/** Turns anything thrown into the API's error shape; never leaks a stack trace or internal message. */
export function toApiError(error: unknown, bodyLimit: number): ApiError {
  if (error instanceof ApiError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issue = error.validation[0];
    const part = VALIDATION_PART[(error as FastifyError).validationContext ?? "body"] ?? "body";
    const path = issue.instancePath.split("/").filter(Boolean);
    const field = [part, ...path].join(".");
    const received = (issue.params as { received?: unknown } | undefined)?.received;
    return new ApiError(
      400,
      "validation_failed",
      `${field}: ${issue.message}${received !== undefined ? ` (received ${String(received)})` : ""}`,
      field,
    );
  }
  if (error instanceof ConfigError) {
    return new ApiError(400, "invalid_config", error.message, error.key ? `values.${error.key}` : "values");
  }
  if (error instanceof GovernanceError) {
    return new ApiError(GOVERNANCE_STATUS[error.code] ?? 400, error.code, error.message);
  }
  if (error instanceof AuthorizationError) return new ApiError(403, "forbidden", error.message);
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError(
        413,
        "body_too_large",
        `the request body is larger than the limit of ${bodyLimit} bytes; send less data per request`,
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ApiError(
        415,
        "unsupported_media_type",
        "send the body as JSON with the header Content-Type: application/json",
        "headers.content-type",
      );
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError(
        400,
        "validation_failed",
        "the body is empty but Content-Type says JSON; send a JSON object",
        "body",
      );
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new ApiError(400, "invalid_json", "the body is not valid JSON; check quotes and commas", "body");
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new ApiError(400, "invalid_json", `the body is not valid JSON: ${error.message}`, "body");
  }
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new ApiError(status, "bad_request", fastifyError.message ?? "the request was refused");
  }
  return new ApiError(500, "internal_error", "something went wrong on the server; it has been logged");
}

export function installErrorHandlers(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error, bodyLimit);
    if (apiError.statusCode >= 500) request.log.error({ err: error }, "request failed");
    for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
    return reply.code(apiError.statusCode).type("application/json").send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const body = new ApiError(
      404,
      "route_not_found",
      `there is no route ${request.method} ${request.url.split("?")[0]}; the routes are listed at /docs and /openapi.json`,
    ).toBody();
    return reply.code(404).send(body);
  });
}
