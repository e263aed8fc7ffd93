import { createInterface } from "node:readline/promises";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import {
  requireSecretKey,
  type Secrets,
  type Settings,
  saveCredentials,
} from "../../connectors/credentials/index.js";
import {
  AD_PLATFORMS,
  type AdPlatform,
  buildConnector,
  CREDENTIAL_FIELDS,
  isAdPlatform,
} from "../../connectors/registry.js";
import { syncAccount } from "../../connectors/sync.js";
import type { EntityLevel } from "../../domain/entities.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
import { formatInteger, renderTable } from "../table.js";

type ConnectFlags = Record<string, string | boolean | undefined> & {
  baseUrl?: string;
  apiVersion?: string;
  days?: string;
  level?: string;
  account?: string[];
  backfill?: boolean;
  json?: boolean;
  quiet?: boolean;
};

/** `adpilot connect google|meta|tiktok|linkedin`: verify credentials, store them encrypted, list accounts, backfill. */
export function registerConnect(program: Command): void {
  const command = program
    .command("connect <platform>")
    .description(
      `connect an ad platform (${AD_PLATFORMS.join("|")}): verify the credentials, store them encrypted, list the accounts and backfill their data`,
    )
    .option(
      "--base-url <url>",
      "API origin (default: the platform's; e.g. http://127.0.0.1:PORT for a local fake)",
    )
    .option("--api-version <version>", "API version (Google v26, Meta v26.0, TikTok v1.3, LinkedIn YYYYMM)")
    .option("--days <n>", "days to backfill, today included", "90")
    .option("--level <level>", "performance level to sync: campaign|ad_group|ad", "campaign")
    .option("--account <id>", "only this account (repeatable; default: every account found)", collect, [])
    .option("--no-backfill", "verify and store the credentials only")
    .option("--json", "print the result as JSON")
    .option("--quiet", "no progress bar");
  const seen = new Set<string>();
  for (const fields of Object.values(CREDENTIAL_FIELDS)) {
    for (const f of fields) {
      if (seen.has(f.flag)) continue;
      seen.add(f.flag);
      command.option(
        `${f.flag} <value>`,
        `${f.description} (or ${f.env.replace(/^ADPILOT_[A-Z]+_/, "ADPILOT_<PLATFORM>_")})`,
      );
    }
  }
  command.action(async (platform: string, flags: ConnectFlags) => {
    await runConnect(platform, flags);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runConnect(platformText: string, flags: ConnectFlags): Promise<void> {
  const platform = platformText.toLowerCase();
  if (!isAdPlatform(platform))
    throw new UsageError(`unknown platform "${platformText}": expected one of ${AD_PLATFORMS.join(", ")}`);
  const days = Number(flags.days ?? 90);
  if (!Number.isInteger(days) || days < 1 || days > 1100)
    throw new UsageError(`--days must be a whole number of days from 1 to 1100, got "${flags.days}"`);
  const level = flags.level ?? "campaign";
  if (!["campaign", "ad_group", "ad"].includes(level))
    throw new UsageError(`--level must be campaign, ad_group or ad, got "${level}"`);
  // the key is checked before anything is sent: credentials are never kept unencrypted
  const key = requireSecretKey(process.env, `store the ${platform} credentials`);
  const { secrets, settings } = await gatherCredentials(platform, flags);

  const connector = buildConnector(
    platform,
    { secrets, settings },
    {
      onTokenRefresh: (state) => {
        secrets.accessToken = state.accessToken;
        if (state.refreshToken) secrets.refreshToken = state.refreshToken;
        settings.accessTokenExpiresAt = state.expiresAt?.toISOString();
      },
    },
  );
  const accounts = await connector.listAccounts();
  const chosen = flags.account?.length
    ? accounts.filter((a) => flags.account!.includes(a.externalId))
    : accounts;
  if (flags.account?.length && chosen.length < flags.account.length) {
    const missing = flags.account.filter((id) => !accounts.some((a) => a.externalId === id));
    throw new UsageError(
      `account(s) ${missing.join(", ")} not visible to these credentials; found: ${accounts.map((a) => a.externalId).join(", ") || "none"}`,
    );
  }
  if (!flags.json) {
    console.log(`${platform}: credentials verified, ${accounts.length} account(s) found`);
    if (accounts.length > 0) {
      console.log(
        renderTable(
          ["account", "name", "currency", "time zone"],
          accounts.map((a) => [a.externalId, a.name, a.currency, a.timeZone]),
        ),
      );
    }
  }
  const results = await withStore(async (store, signal) => {
    await saveCredentials(store, key, { platform, secrets, settings });
    if (flags.backfill === false) return [];
    const showBar = !flags.quiet && !flags.json && process.stderr.isTTY;
    const bars = showBar
      ? new cliProgress.MultiBar(
          {
            format: " {account} [{bar}] {value}/{total} days",
            stream: process.stderr,
            clearOnComplete: false,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    const out = [];
    try {
      for (const account of chosen) {
        const bar = bars?.create(days, 0, { account: account.externalId });
        out.push(
          await syncAccount(store, connector, account, {
            days,
            level: level as EntityLevel,
            signal,
            onProgress: (done, total) => {
              bar?.setTotal(total);
              bar?.update(done);
            },
          }),
        );
      }
    } finally {
      bars?.stop();
    }
    return out;
  });
  if (flags.json) {
    console.log(JSON.stringify({ platform, accounts, synced: results }, null, 2));
    return;
  }
  for (const r of results) {
    console.log(
      `  ${r.externalId} -> id ${r.accountId}: ${r.from}..${r.to}, ${formatInteger(r.entities)} entities, ${formatInteger(r.rows)} rows`,
    );
  }
  console.log(
    `${platform} connected; credentials stored encrypted. Check with \`adpilot platforms status\`.`,
  );
}

/** Flags first, then ADPILOT_<PLATFORM>_* variables, then (on a terminal) a prompt for what is missing. */
async function gatherCredentials(
  platform: AdPlatform,
  flags: ConnectFlags,
): Promise<{ secrets: Secrets; settings: Settings }> {
  const secrets: Secrets = {};
  const settings: Settings = {};
  const prefix = `ADPILOT_${platform.toUpperCase()}_`;
  const baseUrl = flags.baseUrl ?? process.env[`${prefix}BASE_URL`];
  const version = flags.apiVersion ?? process.env[`${prefix}VERSION`];
  if (baseUrl) {
    if (!/^https?:\/\/[^/]+/.test(baseUrl))
      throw new UsageError(
        `--base-url must be an http(s) URL such as http://127.0.0.1:8080, got "${baseUrl}"`,
      );
    settings.baseUrl = baseUrl.replace(/\/+$/, "");
  }
  if (version) settings.version = version;
  for (const f of CREDENTIAL_FIELDS[platform]) {
    const value = (flags[f.key] as string | undefined) ?? process.env[f.env];
    if (value) (f.secret ? secrets : settings)[f.key] = value;
  }
  const required =
    platform === "google" && !secrets.accessToken
      ? ["refreshToken", "clientId", "clientSecret"]
      : ["accessToken"];
  const present = (k: string) => Boolean(secrets[k] ?? settings[k]);
  const missing = required.filter((k) => !present(k));
  if (missing.length > 0 && process.stdin.isTTY && process.stdout.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    try {
      for (const k of missing) {
        const f = CREDENTIAL_FIELDS[platform].find((x) => x.key === k)!;
        const answer = (await rl.question(`${platform} ${f.description}: `)).trim();
        if (answer) (f.secret ? secrets : settings)[k] = answer;
      }
    } finally {
      rl.close();
    }
  }
  const still = required.filter((k) => !present(k));
  if (still.length > 0) {
    const fields = CREDENTIAL_FIELDS[platform].filter((f) => still.includes(f.key));
    throw new UsageError(
      `${platform} credentials missing: ${fields.map((f) => `${f.flag} or ${f.env}`).join("; ")} (see src/connectors/README.md, "Connectors")`,
    );
  }
  return { secrets, settings };
}
