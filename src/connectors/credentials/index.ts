export { open, type Sealed, seal } from "./cipher.js";
export { keyFingerprint, readSecretKey, requireSecretKey, SECRET_KEY_ENV, SecretKeyError } from "./key.js";
export {
  CREDENTIAL_PLATFORMS,
  type CredentialPlatform,
  checkSecretKeyAtStart,
  credentialPlatforms,
  loadCredentials,
  redact,
  type Secrets,
  type Settings,
  type StoredCredentials,
  saveCredentials,
} from "./repository.js";
