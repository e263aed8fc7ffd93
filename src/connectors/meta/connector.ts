import { createHmac } from "node:crypto";
import type { EntityLevel } from "../../domain/entities.js";
import type { PerformanceFact } from "../../domain/performance.js";
import {
  HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type Runtime,
  reauthorise,
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
import { classifyMeta } from "./errors.js";
import { DEFAULT_CONVERSION_ACTIONS, type InsightsRow, insightsToFact, metaStatus } from "./mapping.js";
import {
  DEFAULT_USAGE_POLICY,
  paceDelayMs,
  readUsageHeaders,
  type UsagePolicy,
  type UsageReading,
} from "./usage.js";

export const META_BASE_URL = "https://graph.facebook.com";

export interface MetaConfig extends Runtime {
  baseUrl?: string;
  version?: string;
  accessToken: string;
  accessTokenExpiresAt?: Date | null;
  /** App id and secret: appsecret_proof on every call, and refreshing expiring tokens (fb_exchange_token). */
  appId?: string;
  appSecret?: string;
  /** Conversion action-type groups (see DEFAULT_CONVERSION_ACTIONS). */
  conversionActions?: string[][];
  usagePolicy?: UsagePolicy;
  onTokenRefresh?: (state: TokenState) => void | Promise<void>;
  http?: Partial<Pick<HttpClientOptions, "maxAttempts" | "baseDelayMs" | "maxDelayMs" | "maxRetryAfterMs">>;
  pageLimit?: number;
}

interface Page<T> {
  data?: T[];
  paging?: { next?: string };
}

const LEVEL: Record<EntityLevel, string> = { campaign: "campaign", ad_group: "adset", ad: "ad" };
const INSIGHT_FIELDS =
  "campaign_id,adset_id,ad_id,account_currency,impressions,clicks,spend,actions,action_values,date_start,date_stop";

/**
 * Meta Marketing API: insights with cursor paging, budgets/status as minor units on campaigns and ad
 * sets, and pacing from the usage headers so AdPilot slows down before Meta throttles it.
 */
export class MetaConnector implements AdPlatformConnector {
  readonly platform = "meta" as const;
  readonly tokens: TokenSource;
  private readonly http: HttpClient;
  private readonly base: string;
  private usage: UsageReading | null = null;
  private readonly accounts = new Map<string, ConnectorAccount>();
  private readonly applied = new Map<string, ChangeResult>();
  /** Every pacing wait, for tests and logs. */
  readonly paceWaits: number[] = [];

  constructor(private readonly config: MetaConfig) {
    if (!config.accessToken)
      throw new ConnectorFailure("auth", "meta: an access token is required (system-user token recommended)");
    this.base = `${(config.baseUrl ?? META_BASE_URL).replace(/\/+$/, "")}/${config.version ?? "v26.0"}`;
    const canRefresh = Boolean(config.appId && config.appSecret && config.accessTokenExpiresAt);
    this.tokens = new TokenSource(
      { accessToken: config.accessToken, expiresAt: config.accessTokenExpiresAt ?? null },
      canRefresh ? (current) => this.exchangeToken(current) : null,
      // long-lived tokens can only be exchanged while still valid: renew a week ahead
      { now: config.now, onRefresh: config.onTokenRefresh, skewMs: 7 * 86_400_000 },
    );
    const policy = config.usagePolicy ?? DEFAULT_USAGE_POLICY;
    this.http = new HttpClient({
      ...config,
      ...config.http,
      platform: "meta",
      classify: (response) =>
        classifyMeta(response, () => {
          // the retry waits the announced time itself: do not pace for it a second time
          const wait = this.usage?.regainMs || undefined;
          if (wait) this.usage = null;
          return wait;
        }),
      afterResponse: (response) => {
        const reading = readUsageHeaders(response.headers);
        if (reading) this.usage = reading;
      },
      beforeRequest: async () => {
        const wait = paceDelayMs(this.usage, policy);
        if (wait <= 0) return;
        this.paceWaits.push(wait);
        await this.http.sleep(wait);
        // the window we waited for has passed: the next answer brings fresh numbers
        this.usage = null;
      },
      auth: {
        apply: (request) => this.authorise(request),
        refresh: async () => false,
      },
    });
  }

  async listAccounts(): Promise<ConnectorAccount[]> {
    const rows = await this.all<{ id: string; name?: string; currency?: string; timezone_name?: string }>(
      `${this.base}/me/adaccounts`,
      { fields: "id,account_id,name,currency,timezone_name" },
    );
    return rows.map((r) => {
      const account = {
        externalId: r.id,
        name: r.name ?? r.id,
        currency: r.currency ?? "USD",
        timeZone: r.timezone_name ?? "UTC",
      };
      this.accounts.set(r.id, account);
      return account;
    });
  }

  async listEntities(accountExternalId: string): Promise<ConnectorEntity[]> {
    const act = actId(accountExternalId);
    type Row = {
      id: string;
      name?: string;
      status?: string;
      daily_budget?: string;
      bid_amount?: number | string;
      campaign_id?: string;
      adset_id?: string;
    };
    const campaigns = await this.all<Row>(`${this.base}/${act}/campaigns`, {
      fields: "id,name,status,daily_budget,objective",
    });
    const adsets = await this.all<Row>(`${this.base}/${act}/adsets`, {
      fields: "id,name,status,daily_budget,bid_amount,campaign_id",
    });
    const ads = await this.all<Row>(`${this.base}/${act}/ads`, {
      fields: "id,name,status,adset_id,campaign_id",
    });
    const minor = (v: string | number | undefined) => (v === undefined ? null : Number(v));
    return [
      ...campaigns.map(
        (r): ConnectorEntity => ({
          level: "campaign",
          externalId: r.id,
          parentExternalId: null,
          name: r.name ?? "",
          status: metaStatus(r.status),
          dailyBudgetMinor: minor(r.daily_budget),
          bidMinor: null,
          channel: "social",
        }),
      ),
      ...adsets.map(
        (r): ConnectorEntity => ({
          level: "ad_group",
          externalId: r.id,
          parentExternalId: r.campaign_id ?? null,
          name: r.name ?? "",
          status: metaStatus(r.status),
          dailyBudgetMinor: minor(r.daily_budget),
          bidMinor: minor(r.bid_amount),
          channel: null,
        }),
      ),
      ...ads.map(
        (r): ConnectorEntity => ({
          level: "ad",
          externalId: r.id,
          parentExternalId: r.adset_id ?? null,
          name: r.name ?? "",
          status: metaStatus(r.status),
          dailyBudgetMinor: null,
          bidMinor: null,
          channel: null,
        }),
      ),
    ];
  }

  async fetchPerformance(request: PerformanceRequest): Promise<PerformanceFact[]> {
    const act = actId(request.accountExternalId);
    const { currency } = await this.account(act);
    const rows = await this.all<InsightsRow>(`${this.base}/${act}/insights`, {
      level: LEVEL[request.level],
      fields: INSIGHT_FIELDS,
      time_range: JSON.stringify({ since: request.from, until: request.to }),
      time_increment: 1,
      breakdowns:
        request.granularity === "hour" ? "hourly_stats_aggregated_by_advertiser_time_zone" : undefined,
    });
    const groups = this.config.conversionActions ?? DEFAULT_CONVERSION_ACTIONS;
    return rows.map((row) => insightsToFact(row, request.level, act, currency, groups));
  }

  async applyChange(change: EntityChange): Promise<ChangeResult> {
    const previous = this.applied.get(change.idempotencyKey);
    if (previous) return previous;
    if (change.level === "ad" && change.kind !== "status") {
      return refused("invalid_request", `meta: ${change.kind} is set on campaigns or ad sets, not ads`);
    }
    if (change.kind === "bid" && change.level !== "ad_group")
      return refused("invalid_request", "meta: bids are set on ad sets");
    const fields: Record<string, string | number> =
      change.kind === "daily_budget"
        ? { daily_budget: change.value.dailyBudgetMinor }
        : change.kind === "status"
          ? { status: change.value.status === "active" ? "ACTIVE" : "PAUSED" }
          : { bid_amount: change.value.bidMinor };
    try {
      const answer = await this.http.json({
        method: "POST",
        url: `${this.base}/${change.entityExternalId}`,
        json: fields,
      });
      const after = await this.http.json<{
        status?: string;
        daily_budget?: string;
        bid_amount?: number | string;
      }>({
        method: "GET",
        url: `${this.base}/${change.entityExternalId}`,
        query: { fields: "status,daily_budget,bid_amount" },
      });
      const result: ChangeResult = {
        ok: true,
        after: {
          status: metaStatus(after.status),
          dailyBudgetMinor: after.daily_budget === undefined ? null : Number(after.daily_budget),
          bidMinor: after.bid_amount === undefined ? null : Number(after.bid_amount),
        },
        platformResponse: answer,
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
      ok: s.successRate >= 0.9 && (this.usage?.regainMs ?? 0) === 0,
      successRate: s.successRate,
      p95LatencyMs: s.p95LatencyMs,
      rateLimitPressure: this.usage ? Math.min(1, this.usage.pressure) : null,
      tokenExpiresAt: this.tokens.expiresAt,
    };
  }

  /** Reads every page of a Graph list by following `paging.next` verbatim. */
  private async all<T>(url: string, query: HttpRequest["query"]): Promise<T[]> {
    const out: T[] = [];
    let next: HttpRequest | undefined = {
      method: "GET",
      url,
      query: { ...query, limit: this.config.pageLimit ?? 500 },
    };
    while (next) {
      const page: Page<T> = await this.http.json<Page<T>>(next);
      out.push(...(page.data ?? []));
      next = page.paging?.next ? { method: "GET", url: page.paging.next } : undefined;
    }
    return out;
  }

  private async account(act: string): Promise<ConnectorAccount> {
    if (!this.accounts.has(act)) await this.listAccounts();
    const account = this.accounts.get(act);
    if (!account)
      throw new ConnectorFailure("not_found", `meta: ad account ${act} is not visible to this token`);
    return account;
  }

  private async authorise(request: HttpRequest): Promise<HttpRequest> {
    const token = await this.tokens.token();
    const headers = { ...request.headers, authorization: `Bearer ${token}` };
    if (!this.config.appSecret) return { ...request, headers };
    const proof = createHmac("sha256", this.config.appSecret).update(token).digest("hex");
    return { ...request, headers, query: { ...request.query, appsecret_proof: proof } };
  }

  /** Renews an expiring long-lived / system-user token while it is still valid (no refresh-token grant exists). */
  private async exchangeToken(current: TokenState): Promise<TokenState> {
    const fetchFn = this.config.fetch ?? ((input, init) => fetch(input, init));
    const url = new URL(`${this.base}/oauth/access_token`);
    url.search = new URLSearchParams({
      grant_type: "fb_exchange_token",
      client_id: this.config.appId!,
      client_secret: this.config.appSecret!,
      fb_exchange_token: current.accessToken,
      set_token_expires_in_60_days: "true",
    }).toString();
    const response = await fetchFn(url.toString(), {
      method: "GET",
      headers: { accept: "application/json" },
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: { message?: string };
    };
    if (!response.ok || !body.access_token)
      throw reauthorise("meta", body.error?.message ?? `HTTP ${response.status}`);
    const now = (this.config.now ?? Date.now)();
    return {
      accessToken: body.access_token,
      expiresAt: body.expires_in ? new Date(now + body.expires_in * 1000) : null,
    };
  }
}

function refused(kind: ConnectorFailure["kind"], message: string): ChangeResult {
  return { ok: false, after: null, platformResponse: null, error: { kind, message } };
}

/** "123" or "act_123" -> "act_123" */
export function actId(id: string): string {
  const digits = id.trim().replace(/^act_/, "");
  if (!/^\d+$/.test(digits)) throw new RangeError(`a Meta ad account id is act_<digits>, got "${id}"`);
  return `act_${digits}`;
}
