import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * An API key is `adp_<id>_<secret>`: the id (16 hex characters) finds the row, the secret (64 hex
 * characters, 256 random bits) proves possession. Only SHA-256 of the secret is stored: with that much
 * entropy a slow password hash adds nothing, and a fast one keeps every request cheap.
 */
export const KEY_PREFIX = "adp_";
const KEY_PATTERN = /^adp_([0-9a-f]{16})_([0-9a-f]{64})$/;

export type RandomBytes = (size: number) => Buffer;

export interface GeneratedKey {
  id: string;
  key: string;
  hash: string;
}

export function generateKey(random: RandomBytes = randomBytes): GeneratedKey {
  const id = random(8).toString("hex");
  const secret = random(32).toString("hex");
  return { id, key: `${KEY_PREFIX}${id}_${secret}`, hash: hashSecret(secret) };
}

/** Splits a presented key into id and secret; null when it is not shaped like one of ours. */
export function parseKey(key: string): { id: string; secret: string } | null {
  const match = KEY_PATTERN.exec(key.trim());
  return match ? { id: match[1], secret: match[2] } : null;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
