/**
 * Every refusal of the governance services is a GovernanceError with a code the CLI and API can map
 * (not_found -> 404, invalid_input -> 400, forbidden -> 403, conflict / expired -> 409). The message says
 * what was wrong, where, and what would be valid. A refusal never leaves a partial write behind: each
 * service call is one transaction.
 */
export type GovernanceErrorCode = "not_found" | "invalid_input" | "forbidden" | "conflict" | "expired";

export class GovernanceError extends Error {
  readonly code: GovernanceErrorCode;
  constructor(code: GovernanceErrorCode, message: string) {
    super(message);
    this.name = "GovernanceError";
    this.code = code;
  }
}

export const notFound = (message: string) => new GovernanceError("not_found", message);
export const invalidInput = (message: string) => new GovernanceError("invalid_input", message);
export const forbidden = (message: string) => new GovernanceError("forbidden", message);
export const conflict = (message: string) => new GovernanceError("conflict", message);
export const expired = (message: string) => new GovernanceError("expired", message);
