import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SecretKeyError } from "./key.js";

export interface Sealed {
  ciphertext: string;
  iv: string;
  tag: string;
}

/** AES-256-GCM with a fresh 12-byte iv per write; `aad` binds the row (workspace/platform) to its ciphertext. */
export function seal(plaintext: string, key: Buffer, aad: string, iv: Buffer = randomBytes(12)): Sealed {
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    ciphertext: ciphertext.toString("base64"),
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
  };
}

export function open(sealed: Sealed, key: Buffer, aad: string): string {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, "base64")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new SecretKeyError(
      "stored credentials cannot be decrypted: ADPILOT_SECRET_KEY is not the key they were written with (or the row was tampered with)",
    );
  }
}
