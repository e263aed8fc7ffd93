export * from "./account-config.js";
export * from "./crm.js";
export * from "./currency.js";
export * from "./entities.js";
export * from "./money.js";
export * from "./performance.js";
export * from "./platform.js";
export * from "./time.js";
