import { type ApiHealthInput, checkApiHealth } from "./api-health.js";
import { checkDataQuality, type DataQualityInput } from "./data-quality.js";
import { checkLoop, type LoopInput } from "./loop.js";
import { checkMapping, type MappingInput } from "./mapping.js";
import { checkPacing, type PacingInput } from "./pacing.js";
import type { CheckOutcome } from "./types.js";

export * from "./api-health.js";
export * from "./data-quality.js";
export * from "./loop.js";
export * from "./mapping.js";
export * from "./pacing.js";
export * from "./pacing-profile.js";
export * from "./robust.js";
export * from "./spend-band.js";
export * from "./types.js";

/** Everything the checks need about one account; any part may be absent (that check is not run). */
export interface AccountCheckInputs {
  apiHealth?: Omit<ApiHealthInput, "spendVsPlan">;
  pacing?: PacingInput;
  mapping?: MappingInput;
  loop?: LoopInput;
  dataQuality?: DataQualityInput;
}

/** Runs the checks present in `inputs`; pacing first, so an API failure can state the spend it costs. */
export function runAccountChecks(inputs: AccountCheckInputs): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  const pacing = inputs.pacing ? checkPacing(inputs.pacing) : null;
  if (pacing) out.push(pacing);
  if (inputs.apiHealth)
    out.push(checkApiHealth({ ...inputs.apiHealth, spendVsPlan: pacing?.metrics.spendVsPlan ?? null }));
  if (inputs.mapping) out.push(checkMapping(inputs.mapping));
  if (inputs.loop) out.push(checkLoop(inputs.loop));
  if (inputs.dataQuality) out.push(checkDataQuality(inputs.dataQuality));
  return out;
}
