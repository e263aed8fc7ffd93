export { headerAuth } from "./auth.js";
export {
  type AuthHooks,
  type FetchLike,
  HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type Runtime,
  realSleep,
  withQuery,
} from "./client.js";
export { durationToMs, kindForStatus, PlatformError, type PlatformErrorDetails } from "./errors.js";
export { type OAuthRefreshConfig, oauthRefreshGrant } from "./oauth.js";
export { CallStats } from "./stats.js";
export {
  reauthorise,
  type TokenRefresher,
  TokenSource,
  type TokenSourceOptions,
  type TokenState,
} from "./tokens.js";
