export { TIKTOK_BASE_URL, type TikTokConfig, TikTokConnector } from "./connector.js";
export { classifyTikTok, tiktokKind } from "./errors.js";
