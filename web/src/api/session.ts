const KEY = "adpilot.apiKey";

/** The API key lives in sessionStorage: entered once per browser tab session, gone when it closes. */
export const keyStore = {
  load(): string | null {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  save(key: string): void {
    sessionStorage.setItem(KEY, key);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};

export function looksLikeKey(text: string): boolean {
  return /^adp_[0-9a-f]{16}_[0-9a-f]{64}$/.test(text.trim());
}
