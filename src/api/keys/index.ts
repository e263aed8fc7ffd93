export { generateKey, hashSecret, KEY_PREFIX, parseKey } from "./key-format.js";
export {
  type ApiKeyInfo,
  ApiKeyInputError,
  authenticate,
  type CreateApiKeyInput,
  createApiKey,
  listApiKeys,
  type Principal,
  type Queryable,
  revokeApiKey,
} from "./repository.js";
