export { bumpCounter, type DealLink, recordDealLink, resolveDeal, webhookCounters } from "./deal-links.js";
export { eventKey, type HubSpotEvent, hubspotBatchSchema, isDealStageChange } from "./events.js";
export { type HubSpotPluginOptions, hubspotWebhookPlugin } from "./plugin.js";
export {
  type HubSpotReceiverOptions,
  handleHubSpotWebhook,
  type WebhookRequest,
  type WebhookResponse,
} from "./receiver.js";
export {
  MAX_SIGNATURE_AGE_MS,
  type SignatureCheck,
  type SignedRequest,
  signatureV3,
  verifySignatureV3,
} from "./signature.js";
