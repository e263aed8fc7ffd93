import { minorToMicros } from "../../domain/money.js";
import type { PerformanceFact } from "../../domain/performance.js";
import {
  HttpClient,
  type HttpClientOptions,
  headerAuth,
  oauthRefreshGrant,
  type Runtime,
  TokenSource,
  type TokenState,
} from "../http/index.js";
import {
  type AdPlatformConnector,
  type ChangeResult,
  type ConnectorAccount,
  type ConnectorEntity,
  ConnectorFailure,
  type ConnectorHealth,
  type EntityChange,
  type PerformanceRequest,
} from "../port.js";
import { adsErrors, classifyGoogle, errorCodeText, type GoogleAdsError } from "./errors.js";
import { type GoogleRow, googleChannel, googleStatus, int64, microsOrNull, toFact } from "./mapping.js";
import {
  AD_GROUPS_QUERY,
  ADS_QUERY,
  CAMPAIGNS_QUERY,
  CUSTOMER_QUERY,
  campaignBudgetQuery,
  performanceQuery,
} from "./queries.js";

export const GOOGLE_ADS_BASE_URL = "https://googleads.googleapis.com";
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

export interface GoogleAdsConfig extends Runtime {
  /** Origin of the API (default https://googleads.googleapis.com); point it at a fake in tests. */
  baseUrl?: string;
  version?: string;
  accessToken?: string;
  accessTokenExpiresAt?: Date | null;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** Default: Google's token endpoint, or <baseUrl>/token when baseUrl points elsewhere. */
  tokenUrl?: string;
  /** Manager (MCC) account id when the OAuth user reaches the customers through one. */
  loginCustomerId?: string;
  /** Optional since 2026-09-09 (ignored by Google); sent only when configured. */
  developerToken?: string;
  onTokenRefresh?: (state: TokenState) => void | Promise<void>;
  http?: Partial<Pick<HttpClientOptions, "maxAttempts" | "baseDelayMs" | "maxDelayMs" | "maxRetryAfterMs">>;
}

/** Result of a batch of budget changes sent with partialFailure: one entry per change, in order. */
export type BatchChangeResult = ChangeResult[];

/**
 * Google Ads through its REST interface: GAQL over googleAds:searchStream for entities and metrics
 * (micros -> minor units), campaignBudgets:mutate / campaigns:mutate / adGroups:mutate for changes.
 */
export class GoogleAdsConnector implements AdPlatformConnector {
  readonly platform = "google" as const;
  readonly tokens: TokenSource;
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly accounts = new Map<string, ConnectorAccount>();
  private readonly applied = new Map<string, ChangeResult>();

  constructor(config: GoogleAdsConfig) {
    const origin = (config.baseUrl ?? GOOGLE_ADS_BASE_URL).replace(/\/+$/, "");
    this.base = `${origin}/${config.version ?? "v26"}`;
    const canRefresh = config.refreshToken && config.clientId && config.clientSecret;
    if (!config.accessToken && !canRefresh) {
      throw new ConnectorFailure(
        "auth",
        "google: credentials missing: give an access token, or a refresh token with the OAuth client id and secret",
      );
    }
    this.tokens = new TokenSource(
      {
        accessToken: config.accessToken ?? "",
        // no access token yet: mark it expired so the first call refreshes
        expiresAt: config.accessToken ? (config.accessTokenExpiresAt ?? null) : new Date(0),
        refreshToken: config.refreshToken,
      },
      canRefresh
        ? oauthRefreshGrant({
            platform: "google",
            tokenUrl: config.tokenUrl ?? (config.baseUrl ? `${origin}/token` : GOOGLE_TOKEN_URL),
            clientId: config.clientId!,
            clientSecret: config.clientSecret!,
            fetch: config.fetch,
            now: config.now,
          })
        : null,
      { now: config.now, onRefresh: config.onTokenRefresh },
    );
    const bearer = headerAuth(this.tokens);
    this.http = new HttpClient({
      ...config,
      ...config.http,
      platform: "google",
      classify: classifyGoogle,
      auth: {
        refresh: bearer.refresh,
        apply: async (request) => {
          const withToken = await bearer.apply(request);
          const headers = { ...withToken.headers };
          if (config.loginCustomerId) headers["login-customer-id"] = customerId(config.loginCustomerId);
          if (config.developerToken) headers["developer-token"] = config.developerToken;
          return { ...withToken, headers };
        },
      },
    });
  }

  async listAccounts(): Promise<ConnectorAccount[]> {
    const body = await this.http.json<{ resourceNames?: string[] }>({
      method: "GET",
      url: `${this.base}/customers:listAccessibleCustomers`,
    });
    const out: ConnectorAccount[] = [];
    for (const name of body.resourceNames ?? []) {
      const id = name.replace("customers/", "");
      const [row] = await this.search(id, CUSTOMER_QUERY);
      if (!row?.customer || row.customer.manager) continue;
      const account = {
        externalId: id,
        name: row.customer.descriptiveName ?? id,
        currency: row.customer.currencyCode ?? "USD",
        timeZone: row.customer.timeZone ?? "UTC",
      };
      this.accounts.set(id, account);
      out.push(account);
    }
    return out;
  }

  async listEntities(accountExternalId: string): Promise<ConnectorEntity[]> {
    const cid = customerId(accountExternalId);
    const { currency } = await this.account(cid);
    const [campaigns, groups, ads] = [
      await this.search(cid, CAMPAIGNS_QUERY),
      await this.search(cid, AD_GROUPS_QUERY),
      await this.search(cid, ADS_QUERY),
    ];
    return [
      ...campaigns.map(
        (r): ConnectorEntity => ({
          level: "campaign",
          externalId: r.campaign?.id ?? "",
          parentExternalId: null,
          name: r.campaign?.name ?? "",
          status: googleStatus(r.campaign?.status),
          dailyBudgetMinor: microsOrNull(r.campaignBudget?.amountMicros, currency),
          bidMinor: null,
          channel: googleChannel(r.campaign?.advertisingChannelType),
        }),
      ),
      ...groups.map(
        (r): ConnectorEntity => ({
          level: "ad_group",
          externalId: r.adGroup?.id ?? "",
          parentExternalId: r.campaign?.id ?? null,
          name: r.adGroup?.name ?? "",
          status: googleStatus(r.adGroup?.status),
          dailyBudgetMinor: null,
          bidMinor: microsOrNull(r.adGroup?.cpcBidMicros, currency),
          channel: null,
        }),
      ),
      ...ads.map(
        (r): ConnectorEntity => ({
          level: "ad",
          externalId: r.adGroupAd?.ad?.id ?? "",
          parentExternalId: r.adGroup?.id ?? null,
          name: r.adGroupAd?.ad?.name ?? "",
          status: googleStatus(r.adGroupAd?.status),
          dailyBudgetMinor: null,
          bidMinor: null,
          channel: null,
        }),
      ),
    ];
  }

  async fetchPerformance(request: PerformanceRequest): Promise<PerformanceFact[]> {
    const cid = customerId(request.accountExternalId);
    const { currency } = await this.account(cid);
    const rows = await this.search(
      cid,
      performanceQuery(request.level, request.from, request.to, request.granularity === "hour"),
    );
    return rows.map((row) => toFact(row, request.level, cid, currency));
  }

  async applyChange(change: EntityChange): Promise<ChangeResult> {
    const previous = this.applied.get(change.idempotencyKey);
    if (previous) return previous;
    const result =
      change.kind === "daily_budget"
        ? (await this.applyBudgetChanges([change]))[0]
        : await this.mutateEntity(change);
    if (result.ok) this.applied.set(change.idempotencyKey, result);
    return result;
  }

  /**
   * Several campaign budget changes in one campaignBudgets:mutate with partialFailure: the ones Google
   * accepts are applied, the others come back with their own error, in the order given.
   */
  async applyBudgetChanges(
    changes: Extract<EntityChange, { kind: "daily_budget" }>[],
  ): Promise<BatchChangeResult> {
    if (changes.length === 0) return [];
    const cid = customerId(changes[0].accountExternalId);
    if (changes.some((c) => customerId(c.accountExternalId) !== cid)) {
      throw new RangeError("google: one budget batch must target one customer");
    }
    const { currency } = await this.account(cid);
    const results: (ChangeResult | null)[] = changes.map(() => null);
    const operations: { index: number; budget: string }[] = [];
    for (const [index, change] of changes.entries()) {
      if (change.level !== "campaign") {
        results[index] = refused("invalid_request", "Google Ads daily budgets live on campaigns only", null);
        continue;
      }
      const [row] = await this.search(cid, campaignBudgetQuery(change.entityExternalId));
      if (!row?.campaign) {
        results[index] = refused(
          "not_found",
          `campaign ${change.entityExternalId} not found in customer ${cid}`,
          null,
        );
        continue;
      }
      const sharedBy = int64(row.campaignBudget?.referenceCount ?? 1);
      if (sharedBy > 1) {
        results[index] = refused(
          "invalid_request",
          `campaign ${change.entityExternalId} uses a budget shared by ${sharedBy} campaigns; changing it would change all of them`,
          null,
        );
        continue;
      }
      operations.push({ index, budget: row.campaign.campaignBudget ?? "" });
    }
    if (operations.length > 0) {
      const body = await this.http.json<{
        results?: { resourceName?: string; campaignBudget?: { amountMicros?: string } }[];
        partialFailureError?: { details?: { errors?: GoogleAdsError[] }[] };
      }>({
        method: "POST",
        url: `${this.base}/customers/${cid}/campaignBudgets:mutate`,
        json: {
          operations: operations.map(({ index, budget }) => ({
            updateMask: "amountMicros",
            update: {
              resourceName: budget,
              amountMicros: String(minorToMicros(changes[index].value.dailyBudgetMinor, currency)),
            },
          })),
          partialFailure: true,
          responseContentType: "MUTABLE_RESOURCE",
        },
      });
      const failures = adsErrors(body.partialFailureError);
      for (const [position, { index }] of operations.entries()) {
        const error = failures.find(
          (e) => e.location?.fieldPathElements?.find((p) => p.fieldName === "operations")?.index === position,
        );
        const answer = body.results?.[position];
        if (error || !answer?.resourceName) {
          results[index] = refused(
            "invalid_request",
            `${error ? errorCodeText(error) : "no result"}: ${error?.message ?? "Google returned no result for this operation"}`,
            body,
          );
          continue;
        }
        results[index] = {
          ok: true,
          after: {
            dailyBudgetMinor: microsOrNull(answer.campaignBudget?.amountMicros, currency),
            status: "active",
            bidMinor: null,
          },
          platformResponse: answer,
        };
      }
    }
    // status is not part of the budget resource: read it back with the campaign
    for (const [index, change] of changes.entries()) {
      const result = results[index]!;
      if (!result.ok || !result.after) continue;
      const [row] = await this.search(
        cid,
        `SELECT campaign.id, campaign.status FROM campaign WHERE campaign.id = ${change.entityExternalId}`,
      );
      result.after.status = googleStatus(row?.campaign?.status);
    }
    return results as ChangeResult[];
  }

  async health(): Promise<ConnectorHealth> {
    const s = this.http.stats;
    return {
      ok: s.successRate >= 0.9,
      successRate: s.successRate,
      p95LatencyMs: s.p95LatencyMs,
      rateLimitPressure: null,
      tokenExpiresAt: this.tokens.expiresAt,
    };
  }

  /** Runs GAQL through searchStream and flattens the batches. */
  async search(cid: string, query: string): Promise<GoogleRow[]> {
    const batches = await this.http.json<{ results?: GoogleRow[] }[]>({
      method: "POST",
      url: `${this.base}/customers/${customerId(cid)}/googleAds:searchStream`,
      json: { query },
    });
    return (Array.isArray(batches) ? batches : [batches]).flatMap((b) => b.results ?? []);
  }

  private async account(cid: string): Promise<ConnectorAccount> {
    let account = this.accounts.get(cid);
    if (!account) {
      const [row] = await this.search(cid, CUSTOMER_QUERY);
      account = {
        externalId: cid,
        name: row?.customer?.descriptiveName ?? cid,
        currency: row?.customer?.currencyCode ?? "USD",
        timeZone: row?.customer?.timeZone ?? "UTC",
      };
      this.accounts.set(cid, account);
    }
    return account;
  }

  private async mutateEntity(change: Exclude<EntityChange, { kind: "daily_budget" }>): Promise<ChangeResult> {
    const cid = customerId(change.accountExternalId);
    const { currency } = await this.account(cid);
    if (change.level === "ad" || (change.kind === "bid" && change.level !== "ad_group")) {
      return refused(
        "invalid_request",
        `google: ${change.kind} changes on ${change.level}s are not supported`,
        null,
      );
    }
    const collection = change.level === "campaign" ? "campaigns" : "adGroups";
    const update: Record<string, string> = {
      resourceName: `customers/${cid}/${collection}/${change.entityExternalId}`,
    };
    if (change.kind === "status") update.status = change.value.status === "active" ? "ENABLED" : "PAUSED";
    else update.cpcBidMicros = String(minorToMicros(change.value.bidMinor, currency));
    try {
      const body = await this.http.json<{
        results?: { campaign?: { status?: string }; adGroup?: { status?: string; cpcBidMicros?: string } }[];
      }>({
        method: "POST",
        url: `${this.base}/customers/${cid}/${collection}:mutate`,
        json: {
          operations: [{ updateMask: change.kind === "status" ? "status" : "cpcBidMicros", update }],
          responseContentType: "MUTABLE_RESOURCE",
        },
      });
      const resource = body.results?.[0]?.campaign ?? body.results?.[0]?.adGroup;
      return {
        ok: true,
        after: {
          dailyBudgetMinor: null,
          status: googleStatus(resource?.status),
          bidMinor: microsOrNull(body.results?.[0]?.adGroup?.cpcBidMicros, currency),
        },
        platformResponse: body,
      };
    } catch (error) {
      if (error instanceof ConnectorFailure && !error.transient && error.kind !== "auth") {
        return refused(error.kind, error.message, null);
      }
      throw error;
    }
  }
}

function refused(kind: ConnectorFailure["kind"], message: string, platformResponse: unknown): ChangeResult {
  return { ok: false, after: null, platformResponse, error: { kind, message } };
}

/** "123-456-7890" -> "1234567890" (the API wants customer ids without hyphens). */
export function customerId(id: string): string {
  const cid = id.replaceAll("-", "").trim();
  if (!/^\d+$/.test(cid)) throw new RangeError(`a Google Ads customer id is 10 digits, got "${id}"`);
  return cid;
}
