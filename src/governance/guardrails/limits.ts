import type { AccountConfig } from "../../domain/account-config.js";
import { currencyExponent } from "../../domain/currency.js";
import type { GuardrailLimits } from "./types.js";

/**
 * Account configuration (money in major units, as people type it) -> limits in minor units.
 * Minimums round up and maximums round down, so a converted limit is never looser than the typed one.
 */
export function resolveGuardrailLimits(config: AccountConfig, currency: string): GuardrailLimits {
  const scale = 10 ** currencyExponent(currency);
  const g = config.guardrails;
  const down = (major: number | null) => (major === null ? null : Math.floor(major * scale + 1e-9));
  if (g.jitterSecondsMax < g.jitterSecondsMin) {
    throw new RangeError(
      `guardrails.jitterSecondsMax (${g.jitterSecondsMax}) must be >= guardrails.jitterSecondsMin (${g.jitterSecondsMin})`,
    );
  }
  return {
    maxChangePerProposal: g.maxChangePerProposal,
    maxChangePerDay: g.maxChangePerDay,
    velocity6h: g.velocity6h,
    velocity24h: g.velocity24h,
    historicalSpendCapMultiple: g.historicalSpendCapMultiple,
    minDailyBudgetMinor: Math.ceil(g.minDailyBudget * scale - 1e-9),
    maxDailyBudgetMinor: down(g.maxDailyBudget),
    accountDailyBudgetMinor: down(g.accountDailyBudget),
    changesPerCampaignPerHour: g.changesPerCampaignPerHour,
    changesPerAccountPerDay: g.changesPerAccountPerDay,
    jitterSecondsMin: g.jitterSecondsMin,
    jitterSecondsMax: g.jitterSecondsMax,
    maxHourlyShareOfDailyBudget: g.maxHourlyShareOfDailyBudget,
    spendWarnFractions: [...g.spendWarnFractions].sort((a, b) => a - b),
    spendStopFraction: g.spendStopFraction,
    fuzz: { enabled: g.budgetFuzz.enabled, fraction: g.budgetFuzz.fraction },
    targetCacMinor: config.targetCac === null ? null : Math.floor(config.targetCac * scale + 1e-9),
  };
}
