import type { EntityStatus } from "../../domain/entities.js";
import { decimalToMinor, minorToDecimal } from "../../domain/money.js";
import type { PerformanceFact } from "../../domain/performance.js";
import { isoDateFromParts } from "../../domain/time.js";
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
import { classifyLinkedIn } from "./errors.js";

export const LINKEDIN_BASE_URL = "https://api.linkedin.com";
export const LINKEDIN_TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken";
export const LINKEDIN_DEFAULT_VERSION = "202607";

export interface LinkedInConfig extends Runtime {
  baseUrl?: string;
  /** Monthly API version YYYYMM (LinkedIn-Version header). */
  version?: string;
  accessToken: string;
  accessTokenExpiresAt?: Date | null;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  tokenUrl?: string;
  /** Analytics metrics summed as conversions. */
  conversionFields?: string[];
  pageSize?: number;
  onTokenRefresh?: (state: TokenState) => void | Promise<void>;
  http?: Partial<Pick<HttpClientOptions, "maxAttempts" | "baseDelayMs" | "maxDelayMs" | "maxRetryAfterMs">>;
}

interface Money {
  amount?: string;
  currencyCode?: string;
}
interface CampaignJson {
  id: number | string;
  name?: string;
  status?: string;
  dailyBudget?: Money;
}
interface AnalyticsElement {
  dateRange?: { start?: { year: number; month: number; day: number } };
  pivotValues?: string[];
  impressions?: number;
  clicks?: number;
  costInLocalCurrency?: string;
  conversionValueInLocalCurrency?: string;
  [metric: string]: unknown;
}

const ACCOUNT_URN = "urn:li:sponsoredAccount:";

/**
 * LinkedIn Marketing API (versioned /rest): adAnalytics by campaign and day (money as decimal strings
 * in major units), campaign daily budget and status by PARTIAL_UPDATE. LinkedIn has no hourly data
 * and reports campaigns as the lowest budgeted level; dates are UTC.
 */
export class LinkedInConnector implements AdPlatformConnector {
  readonly platform = "linkedin" as const;
  readonly tokens: TokenSource;
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly accounts = new Map<string, ConnectorAccount>();
  private readonly applied = new Map<string, ChangeResult>();

  constructor(private readonly config: LinkedInConfig) {
    if (!config.accessToken) throw new ConnectorFailure("auth", "linkedin: an access token is required");
    const origin = (config.baseUrl ?? LINKEDIN_BASE_URL).replace(/\/+$/, "");
    this.base = `${origin}/rest`;
    const canRefresh = Boolean(config.refreshToken && config.clientId && config.clientSecret);
    this.tokens = new TokenSource(
      {
        accessToken: config.accessToken,
        expiresAt: config.accessTokenExpiresAt ?? null,
        refreshToken: config.refreshToken,
      },
      canRefresh
        ? oauthRefreshGrant({
            platform: "linkedin",
            tokenUrl:
              config.tokenUrl ?? (config.baseUrl ? `${origin}/oauth/v2/accessToken` : LINKEDIN_TOKEN_URL),
            clientId: config.clientId!,
            clientSecret: config.clientSecret!,
            fetch: config.fetch,
            now: config.now,
          })
        : null,
      { now: config.now, onRefresh: config.onTokenRefresh },
    );
    const bearer = headerAuth(this.tokens);
    const now = config.now ?? Date.now;
    this.http = new HttpClient({
      ...config,
      ...config.http,
      platform: "linkedin",
      classify: (response) => classifyLinkedIn(response, now),
      auth: {
        refresh: bearer.refresh,
        apply: async (request) => {
          const r = await bearer.apply(request);
          return {
            ...r,
            headers: {
              ...r.headers,
              "linkedin-version": config.version ?? LINKEDIN_DEFAULT_VERSION,
              "x-restli-protocol-version": "2.0.0",
            },
          };
        },
      },
    });
  }

  async listAccounts(): Promise<ConnectorAccount[]> {
    const rows = await this.all<{ id: number | string; name?: string; currency?: string }>(
      `${this.base}/adAccounts?q=search&search=(status:(values:List(ACTIVE)))`,
    );
    return rows.map((r) => {
      const account = {
        externalId: String(r.id),
        name: r.name ?? String(r.id),
        currency: r.currency ?? "USD",
        timeZone: "UTC",
      };
      this.accounts.set(account.externalId, account);
      return account;
    });
  }

  async listEntities(accountExternalId: string): Promise<ConnectorEntity[]> {
    const id = accountId(accountExternalId);
    const { currency } = await this.account(id);
    const campaigns = await this.all<CampaignJson>(
      `${this.base}/adAccounts/${id}/adCampaigns?q=search&search=(status:(values:List(ACTIVE,PAUSED)))`,
    );
    return campaigns.map((c) => this.toEntity(c, currency));
  }

  async fetchPerformance(request: PerformanceRequest): Promise<PerformanceFact[]> {
    if (request.granularity === "hour") {
      throw new ConnectorFailure(
        "invalid_request",
        "linkedin: adAnalytics has no hourly granularity; use daily",
      );
    }
    const id = accountId(request.accountExternalId);
    const { currency } = await this.account(id);
    const [fy, fm, fd] = request.from.split("-").map(Number);
    const [ty, tm, td] = request.to.split("-").map(Number);
    const conversionFields = this.config.conversionFields ?? ["externalWebsiteConversions", "oneClickLeads"];
    const fields = [
      "dateRange",
      "pivotValues",
      "impressions",
      "clicks",
      "costInLocalCurrency",
      "conversionValueInLocalCurrency",
      ...conversionFields,
    ];
    // Rest.li syntax travels unencoded except the URNs inside List(...)
    const url =
      `${this.base}/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY` +
      `&dateRange=(start:(year:${fy},month:${fm},day:${fd}),end:(year:${ty},month:${tm},day:${td}))` +
      `&accounts=List(${encodeURIComponent(ACCOUNT_URN + id)})&fields=${fields.join(",")}`;
    const body = await this.http.json<{ elements?: AnalyticsElement[] }>({ method: "GET", url });
    return (body.elements ?? []).map((e) => {
      const s = e.dateRange?.start;
      return {
        accountId: id,
        date: (s && isoDateFromParts(s.year, s.month, s.day)) || "",
        hour: -1,
        campaignId: (e.pivotValues?.[0] ?? "").split(":").at(-1) ?? "",
        adGroupId: "",
        adId: "",
        impressions: e.impressions ?? 0,
        clicks: e.clicks ?? 0,
        costMinor: money(e.costInLocalCurrency, currency),
        conversions: conversionFields.reduce((t, f) => t + (Number(e[f]) || 0), 0),
        revenueMinor: money(e.conversionValueInLocalCurrency, currency),
        currency,
      };
    });
  }

  async applyChange(change: EntityChange): Promise<ChangeResult> {
    const previous = this.applied.get(change.idempotencyKey);
    if (previous) return previous;
    if (change.level !== "campaign" || change.kind === "bid") {
      return refused(
        "invalid_request",
        `linkedin: only campaign daily budgets and statuses can be changed (got ${change.kind} on ${change.level})`,
      );
    }
    const id = accountId(change.accountExternalId);
    const { currency } = await this.account(id);
    const set =
      change.kind === "daily_budget"
        ? {
            dailyBudget: {
              amount: minorToDecimal(change.value.dailyBudgetMinor, currency),
              currencyCode: currency,
            },
          }
        : { status: change.value.status === "active" ? "ACTIVE" : "PAUSED" };
    const url = `${this.base}/adAccounts/${id}/adCampaigns/${change.entityExternalId}`;
    try {
      const response = await this.http.request({
        method: "POST",
        url,
        headers: { "x-restli-method": "PARTIAL_UPDATE" },
        json: { patch: { $set: set } },
      });
      const after = this.toEntity(await this.http.json<CampaignJson>({ method: "GET", url }), currency);
      const result: ChangeResult = {
        ok: true,
        after: { dailyBudgetMinor: after.dailyBudgetMinor, status: after.status, bidMinor: null },
        platformResponse: { status: response.status },
      };
      this.applied.set(change.idempotencyKey, result);
      return result;
    } catch (error) {
      if (error instanceof ConnectorFailure && !error.transient && error.kind !== "auth")
        return refused(error.kind, error.message);
      throw error;
    }
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

  private toEntity(c: CampaignJson, currency: string): ConnectorEntity {
    return {
      level: "campaign",
      externalId: String(c.id),
      parentExternalId: null,
      name: c.name ?? "",
      status: linkedinStatus(c.status),
      dailyBudgetMinor:
        c.dailyBudget?.amount === undefined
          ? null
          : money(c.dailyBudget.amount, c.dailyBudget.currencyCode ?? currency),
      bidMinor: null,
      channel: "social",
    };
  }

  /** start/count paging until a short page or the reported total. */
  private async all<T>(url: string): Promise<T[]> {
    const out: T[] = [];
    const count = this.config.pageSize ?? 100;
    for (let start = 0; ; start += count) {
      const page = await this.http.json<{ elements?: T[]; paging?: { total?: number } }>({
        method: "GET",
        url,
        query: { start, count },
      });
      const elements = page.elements ?? [];
      out.push(...elements);
      if (elements.length < count || (page.paging?.total !== undefined && out.length >= page.paging.total))
        return out;
    }
  }

  private async account(id: string): Promise<ConnectorAccount> {
    if (!this.accounts.has(id)) await this.listAccounts();
    const account = this.accounts.get(id);
    if (!account)
      throw new ConnectorFailure("not_found", `linkedin: ad account ${id} is not visible to this member`);
    return account;
  }
}

function linkedinStatus(status: string | undefined): EntityStatus {
  return status === "ACTIVE" ? "active" : status === "PAUSED" || status === "DRAFT" ? "paused" : "removed";
}

/** Decimal strings with up to ~20 fractional digits, rounded to the currency's minor unit. */
function money(text: string | undefined, currency: string): number {
  if (text === undefined) return 0;
  const minor = decimalToMinor(text, currency);
  if (minor === undefined)
    throw new RangeError(`linkedin: expected a decimal amount, got ${JSON.stringify(text)}`);
  return minor;
}

function refused(kind: ConnectorFailure["kind"], message: string): ChangeResult {
  return { ok: false, after: null, platformResponse: null, error: { kind, message } };
}

/** "502840441" or "urn:li:sponsoredAccount:502840441" -> "502840441" */
export function accountId(id: string): string {
  const digits = id.replace(ACCOUNT_URN, "").trim();
  if (!/^\d+$/.test(digits)) throw new RangeError(`a LinkedIn ad account id is numeric, got "${id}"`);
  return digits;
}
