import type { Store } from "../../store/index.js";
import { open, seal } from "./cipher.js";
import { keyFingerprint, readSecretKey, SECRET_KEY_ENV, SecretKeyError } from "./key.js";

export const CREDENTIAL_PLATFORMS = ["google", "meta", "tiktok", "linkedin", "hubspot"] as const;
export type CredentialPlatform = (typeof CREDENTIAL_PLATFORMS)[number];

/** Secret values (tokens, client secrets) — only ever stored encrypted. */
export type Secrets = Record<string, string>;
/** Non-secret connection settings (base URL, version, manager id, app id), stored in clear. */
export type Settings = Record<string, string | string[] | undefined>;

export interface StoredCredentials {
  platform: CredentialPlatform;
  secrets: Secrets;
  settings: Settings;
  updatedAt: Date;
}

const aad = (workspaceId: string, platform: string) => `adpilot-credentials/${workspaceId}/${platform}`;

export async function saveCredentials(
  store: Store,
  key: Buffer,
  input: { workspaceId?: string; platform: CredentialPlatform; secrets: Secrets; settings?: Settings },
): Promise<void> {
  const workspaceId = input.workspaceId ?? "default";
  const sealed = seal(JSON.stringify(input.secrets), key, aad(workspaceId, input.platform));
  await store.query(
    `INSERT INTO connector_credentials (workspace_id, platform, ciphertext, iv, tag, key_fingerprint, settings)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (workspace_id, platform) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv,
       tag = EXCLUDED.tag, key_fingerprint = EXCLUDED.key_fingerprint, settings = EXCLUDED.settings, updated_at = now()`,
    [
      workspaceId,
      input.platform,
      sealed.ciphertext,
      sealed.iv,
      sealed.tag,
      keyFingerprint(key),
      JSON.stringify(input.settings ?? {}),
    ],
  );
}

export async function loadCredentials(
  store: Store,
  key: Buffer,
  platform: CredentialPlatform,
  workspaceId = "default",
): Promise<StoredCredentials | undefined> {
  const [row] = await store.query<{
    ciphertext: string;
    iv: string;
    tag: string;
    key_fingerprint: string;
    settings: Settings;
    updated_at: Date;
  }>(
    "SELECT ciphertext, iv, tag, key_fingerprint, settings, updated_at FROM connector_credentials WHERE workspace_id = $1 AND platform = $2",
    [workspaceId, platform],
  );
  if (!row) return undefined;
  if (row.key_fingerprint !== keyFingerprint(key)) {
    throw new SecretKeyError(
      `the ${platform} credentials were encrypted with another key (fingerprint ${row.key_fingerprint}, ${SECRET_KEY_ENV} has ${keyFingerprint(key)}); set the original key or run \`adpilot connect ${platform}\` again`,
    );
  }
  return {
    platform,
    secrets: JSON.parse(open(row, key, aad(workspaceId, platform))) as Secrets,
    settings: row.settings ?? {},
    updatedAt: new Date(row.updated_at),
  };
}

/** Which platforms have credentials stored, without decrypting anything. */
export async function credentialPlatforms(
  store: Store,
  workspaceId = "default",
): Promise<{ platform: string; updatedAt: Date }[]> {
  const rows = await store.query<{ platform: string; updated_at: Date }>(
    "SELECT platform, updated_at FROM connector_credentials WHERE workspace_id = $1 ORDER BY platform",
    [workspaceId],
  );
  return rows.map((r) => ({ platform: r.platform, updatedAt: new Date(r.updated_at) }));
}

/**
 * Start-up check: when credentials are stored, the key must be present. Returns the key (or undefined
 * when nothing is stored and no key is set).
 */
export async function checkSecretKeyAtStart(
  store: Store,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer | undefined> {
  const key = readSecretKey(env);
  if (key) return key;
  const [row] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM connector_credentials");
  if ((row?.n ?? 0) > 0) {
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} is not set but ${row.n} platform credential set(s) are stored encrypted: set the key they were written with`,
    );
  }
  return undefined;
}

const SECRET_NAME = /token|secret|password|key/i;

/** A copy safe to log or print: secret-looking values replaced by "***". */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redact) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_NAME.test(k) && v ? "***" : redact(v),
      ]),
    ) as T;
  }
  return value;
}
