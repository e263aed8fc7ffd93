export type { ArmSnapshot } from "./arm-snapshot.js";
export { type Action, type Decision, type DecisionNumbers, decideArm, type Factor } from "./decide.js";
export { DEFAULT_DECISION_CONFIG, type DecisionConfig, decisionConfig } from "./decision-config.js";
export { explain, formatMoney } from "./explain.js";
export { type Plan, type PlanArm, type PlanOptions, planBudget } from "./plan-budget.js";
export { probabilityRoasBelow, roasMean, roasPosterior } from "./roas-posterior.js";
