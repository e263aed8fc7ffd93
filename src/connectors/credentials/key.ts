import { createHash } from "node:crypto";

export const SECRET_KEY_ENV = "ADPILOT_SECRET_KEY";

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyError";
  }
}

const HOW_TO = `generate one with \`openssl rand -base64 32\` and set ${SECRET_KEY_ENV}`;

/** Reads the 32-byte credential key from ADPILOT_SECRET_KEY (base64 or hex); undefined when unset. */
export function readSecretKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const text = env[SECRET_KEY_ENV]?.trim();
  if (!text) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (
    key.length !== 32 ||
    (!/^[0-9a-fA-F]{64}$/.test(text) && key.toString("base64").replace(/=+$/, "") !== text.replace(/=+$/, ""))
  ) {
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} must be 32 bytes written as 64 hex digits or base64 (got ${key.length} bytes); ${HOW_TO}`,
    );
  }
  return key;
}

export function requireSecretKey(
  env: NodeJS.ProcessEnv = process.env,
  purpose = "store platform credentials",
): Buffer {
  const key = readSecretKey(env);
  if (!key)
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} is not set: it is needed to ${purpose} (encrypted at rest); ${HOW_TO}`,
    );
  return key;
}

/** Names a key without revealing it: the first 16 hex digits of its SHA-256. */
export function keyFingerprint(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}
