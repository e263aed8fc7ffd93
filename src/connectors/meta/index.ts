export { actId, META_BASE_URL, type MetaConfig, MetaConnector } from "./connector.js";
export { classifyMeta } from "./errors.js";
export { DEFAULT_CONVERSION_ACTIONS } from "./mapping.js";
export { DEFAULT_USAGE_POLICY, paceDelayMs, readUsageHeaders, type UsagePolicy } from "./usage.js";
