import type { RowRejection } from "../../connectors/csv/types.js";

/** The first invalid row of an all-or-nothing import: nothing was written. */
export class ImportRejectedError extends Error {
  constructor(readonly rejection: RowRejection) {
    super(
      `${rejection.file}, line ${rejection.line}${rejection.column ? `, column "${rejection.column}"` : ""}: ${rejection.message}. Nothing was imported; fix the row or re-run with --skip-invalid to import the valid rows and write the rejected ones to a rejects file.`,
    );
    this.name = "ImportRejectedError";
  }
}

export class ImportConflictError extends Error {
  constructor(message: string) {
    super(`${message}. Nothing was imported.`);
    this.name = "ImportConflictError";
  }
}
