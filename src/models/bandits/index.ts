/** Thompson-sampling bandits for budgets. See README.md for the contract. */
export * from "./allocate.js";
export * from "./delayed-feedback.js";
export * from "./linear-thompson.js";
export * from "./obd.js";
export * from "./off-policy.js";
export * from "./policies.js";
export * from "./posteriors.js";
export * from "./priors.js";
export * from "./probability-best.js";
export * from "./sliding-window.js";
export * from "./state.js";
export * from "./water-fill.js";
