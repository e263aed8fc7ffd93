/**
 * The paragraph a marketer reads under each decision. Templates only: every number comes from the
 * decision itself, so the text can never disagree with what was decided.
 */
import type { FatigueAssessment } from "../models/signals/fatigue.js";
import type { ArmSnapshot } from "./arm-snapshot.js";
import type { Action, DecisionNumbers } from "./decide.js";
import type { DecisionConfig } from "./decision-config.js";

export function formatMoney(minor: number, currency: string, minorPerMajor: number): string {
  const digits = Math.round(Math.log10(minorPerMajor));
  return `${(minor / minorPerMajor).toFixed(Math.max(0, digits))} ${currency}`;
}

export function explain(
  arm: ArmSnapshot,
  action: Action,
  n: DecisionNumbers,
  config: DecisionConfig,
  fatigue: FatigueAssessment,
): string {
  const name = arm.name ?? arm.id;
  const money = (m: number) => formatMoney(m, n.currency, config.minorPerMajor);
  const kind = config.mode === "pipeline" ? "pipeline value" : "revenue";
  const pct = (x: number | null) => (x === null ? "unknown" : `${Math.round(x * 100)}%`);
  const age = n.ageHours < 48 ? `${Math.round(n.ageHours)} hours` : `${(n.ageHours / 24).toFixed(1)} days`;
  const facts = `"${name}" is ${age} old, has spent ${money(n.spendMinor)} and brought ${money(n.valueMinor)} of ${kind} from ${n.events} ${config.mode === "pipeline" ? "deals" : "conversions"} (ROAS ${n.roas.toFixed(2)}).`;
  const odds =
    n.probabilityBelowKill === null
      ? ""
      : ` Given the data so far, the chance that its true ROAS is below ${config.killRoas} is ${pct(n.probabilityBelowKill)} and the chance that it is above ${config.scaleRoas} is ${pct(n.probabilityAboveScale)}.`;
  const tired =
    fatigue.severity === "none"
      ? ""
      : ` Fatigue check: ${fatigue.signals.map((s) => s.message).join("; ")}. ${fatigue.recommendation}`;
  let verdict: string;
  switch (action) {
    case "OBSERVE":
      verdict =
        n.spendMinor / config.minorPerMajor < config.minSpendToKill &&
        n.roas < config.killRoas &&
        n.ageHours / 24 >= config.ignoranceDays
          ? ` We keep it running: we never stop an ad before it has spent ${config.minSpendToKill} ${n.currency}, because slow conversions (and deals still in the pipeline) often arrive later.`
          : n.probabilityBelowKill === null
            ? " We keep it running and wait: there is no conversion or pipeline value yet to judge it by, and no expected value per conversion is configured."
            : ` We keep it running and wait: it is still in the learning period (younger than ${config.ignoranceDays} days and under ${config.ignoranceSpend} ${n.currency} spent), when early numbers mostly reflect chance. Until then its score leans ${Math.round(n.ctrWeight * 100)}% on click-through rate.`;
      break;
    case "KILL":
      verdict = ` We recommend stopping it: it has had a fair chance (over ${config.minSpendToKill} ${n.currency}) and is very likely returning less than ${config.killRoas} per unit spent.`;
      break;
    case "SCALE":
      verdict = ` We recommend giving it more budget: it is very likely returning more than ${config.scaleRoas} per unit spent. Increases still pass the account's change limits and approval.`;
      break;
    case "MAINTAIN":
      verdict =
        fatigue.severity === "high" || fatigue.severity === "critical"
          ? " Its returns are strong, but its audience is tiring of it, so we hold the budget rather than scale it; consider a fresh creative."
          : " We keep its budget as the bandit sets it: the evidence does not yet clearly point to stopping or scaling.";
      break;
  }
  return facts + odds + verdict + tired;
}
