export {
  type BatchChangeResult,
  customerId,
  GOOGLE_ADS_BASE_URL,
  GOOGLE_TOKEN_URL,
  type GoogleAdsConfig,
  GoogleAdsConnector,
} from "./connector.js";
export { classifyGoogle } from "./errors.js";
