export {
  accountId,
  LINKEDIN_BASE_URL,
  LINKEDIN_DEFAULT_VERSION,
  LINKEDIN_TOKEN_URL,
  type LinkedInConfig,
  LinkedInConnector,
} from "./connector.js";
export { classifyLinkedIn, untilUtcMidnight } from "./errors.js";
