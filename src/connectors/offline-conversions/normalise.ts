import { createHash } from "node:crypto";

// Normalisation before SHA-256, per platform (platform-apis.md §1.6c Google, §2.6 Meta). Both want
// lowercase hex digests of UTF-8 text; they differ on gmail dots and on the phone's leading "+".

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export function normaliseEmailForGoogle(email: string): string {
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf("@");
  if (at < 0) return e;
  const [local, domain] = [e.slice(0, at), e.slice(at + 1)];
  return domain === "gmail.com" || domain === "googlemail.com" ? `${local.replaceAll(".", "")}@${domain}` : e;
}

export function normaliseEmailForMeta(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Digits of an international number with its country code. A number without "+" or "00" gets
 * `defaultCallingCode` (e.g. "1") unless it already starts with it; national trunk zeros are dropped.
 */
function phoneDigits(phone: string, defaultCallingCode?: string): string | undefined {
  const trimmed = phone.trim();
  let digits = trimmed.replace(/\D/g, "");
  if (trimmed.startsWith("+")) return digits || undefined;
  if (digits.startsWith("00")) return digits.slice(2) || undefined;
  if (!defaultCallingCode) return digits.replace(/^0+/, "") || undefined;
  digits = digits.replace(/^0+/, "");
  return digits.startsWith(defaultCallingCode) && digits.length > 10
    ? digits
    : `${defaultCallingCode}${digits}`;
}

/** Google: E.164 with the leading "+" ("+16505551234"). */
export function normalisePhoneForGoogle(phone: string, defaultCallingCode?: string): string | undefined {
  const d = phoneDigits(phone, defaultCallingCode);
  return d ? `+${d}` : undefined;
}

/** Meta: digits only, with country code, no "+", no leading zeros ("16505551234"). */
export function normalisePhoneForMeta(phone: string, defaultCallingCode?: string): string | undefined {
  return phoneDigits(phone, defaultCallingCode)?.replace(/^0+/, "");
}

/** Names: lowercase, no punctuation (letters of any script kept). */
export function normaliseName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .normalize("NFC")
    .replace(/[\p{P}\p{S}]/gu, "")
    .replace(/\s+/g, " ");
}

/** Meta city: lowercase, no spaces or punctuation. */
export function normaliseCity(city: string): string {
  return city.toLowerCase().replace(/[\p{P}\p{S}\s]/gu, "");
}
