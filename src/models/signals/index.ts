export * from "./blending.js";
export * from "./fatigue.js";
export * from "./synthetic-revenue.js";
