import type { EntityLevel, EntityStatus } from "../../domain/entities.js";
import { decimalToMinor, minorToDecimal } from "../../domain/money.js";
import type { PerformanceFact } from "../../domain/performance.js";
import { addDays } from "../../domain/time.js";
import {
  HttpClient,
  type HttpClientOptions,
  headerAuth,
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
import { classifyTikTok } from "./errors.js";

export const TIKTOK_BASE_URL = "https://business-api.tiktok.com";

export interface TikTokConfig extends Runtime {
  baseUrl?: string;
  version?: string;
  accessToken: string;
  accessTokenExpiresAt?: Date | null;
  refreshToken?: string;
  appId?: string;
  secret?: string;
  /** Advertisers to use when the app id/secret (needed to list them) are not given. */
  advertiserIds?: string[];
  /** Report metric holding purchase value in major units. */
  valueMetric?: string;
  conversionMetric?: string;
  pageSize?: number;
  /** Longest stat_time_day range per report request (TikTok caps it; 30 days). */
  maxReportDays?: number;
  onTokenRefresh?: (state: TokenState) => void | Promise<void>;
  http?: Partial<Pick<HttpClientOptions, "maxAttempts" | "baseDelayMs" | "maxDelayMs" | "maxRetryAfterMs">>;
}

interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}
interface PageData<T> {
  list?: T[];
  page_info?: { page: number; total_page: number };
}

const DATA_LEVEL: Record<EntityLevel, [string, string]> = {
  campaign: ["AUCTION_CAMPAIGN", "campaign_id"],
  ad_group: ["AUCTION_ADGROUP", "adgroup_id"],
  ad: ["AUCTION_AD", "ad_id"],
};

/**
 * TikTok API for Business v1.3: integrated reports (paged, chunked to the day-range cap), campaign
 * and ad-group budget/status updates in major units, the code/message envelope (HTTP 200 errors).
 */
export class TikTokConnector implements AdPlatformConnector {
  readonly platform = "tiktok" as const;
  readonly tokens: TokenSource;
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly accounts = new Map<string, ConnectorAccount>();
  private readonly applied = new Map<string, ChangeResult>();

  constructor(private readonly config: TikTokConfig) {
    if (!config.accessToken) throw new ConnectorFailure("auth", "tiktok: an access token is required");
    this.base = `${(config.baseUrl ?? TIKTOK_BASE_URL).replace(/\/+$/, "")}/open_api/${config.version ?? "v1.3"}`;
    const canRefresh = Boolean(config.refreshToken && config.appId && config.secret);
    this.tokens = new TokenSource(
      {
        accessToken: config.accessToken,
        expiresAt: config.accessTokenExpiresAt ?? null,
        refreshToken: config.refreshToken,
      },
      canRefresh ? (current) => this.refresh(current) : null,
      { now: config.now, onRefresh: config.onTokenRefresh },
    );
    this.http = new HttpClient({
      ...config,
      ...config.http,
      platform: "tiktok",
      classify: classifyTikTok,
      auth: headerAuth(this.tokens, "access-token", (t) => t),
    });
  }

  async listAccounts(): Promise<ConnectorAccount[]> {
    let ids = this.config.advertiserIds;
    if (!ids?.length) {
      if (!this.config.appId || !this.config.secret) {
        throw new ConnectorFailure(
          "invalid_request",
          "tiktok: give the app id and secret (to list advertisers) or the advertiser ids",
        );
      }
      const data = await this.get<{ list?: { advertiser_id: string }[] }>("oauth2/advertiser/get/", {
        app_id: this.config.appId,
        secret: this.config.secret,
      });
      ids = (data.list ?? []).map((a) => String(a.advertiser_id));
    }
    if (ids.length === 0) return [];
    const info = await this.get<{
      list?: { advertiser_id: string; name?: string; currency?: string; timezone?: string }[];
    }>("advertiser/info/", { advertiser_ids: JSON.stringify(ids) });
    return (info.list ?? []).map((a) => {
      const account = {
        externalId: String(a.advertiser_id),
        name: a.name ?? String(a.advertiser_id),
        currency: a.currency ?? "USD",
        timeZone: a.timezone ?? "UTC",
      };
      this.accounts.set(account.externalId, account);
      return account;
    });
  }

  async listEntities(accountExternalId: string): Promise<ConnectorEntity[]> {
    const { currency } = await this.account(accountExternalId);
    type Row = Record<string, string | number | undefined>;
    const campaigns = await this.pages<Row>("campaign/get/", { advertiser_id: accountExternalId });
    const groups = await this.pages<Row>("adgroup/get/", { advertiser_id: accountExternalId });
    const ads = await this.pages<Row>("ad/get/", { advertiser_id: accountExternalId });
    const budget = (r: Row) =>
      r.budget_mode === "BUDGET_MODE_DAY" || r.budget_mode === "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"
        ? this.minor(r.budget, currency)
        : null;
    return [
      ...campaigns.map(
        (r): ConnectorEntity => ({
          level: "campaign",
          externalId: String(r.campaign_id),
          parentExternalId: null,
          name: String(r.campaign_name ?? ""),
          status: tiktokStatus(r.operation_status),
          dailyBudgetMinor: budget(r),
          bidMinor: null,
          channel: "video",
        }),
      ),
      ...groups.map(
        (r): ConnectorEntity => ({
          level: "ad_group",
          externalId: String(r.adgroup_id),
          parentExternalId: String(r.campaign_id),
          name: String(r.adgroup_name ?? ""),
          status: tiktokStatus(r.operation_status),
          dailyBudgetMinor: budget(r),
          bidMinor: r.bid_price ? this.minor(r.bid_price, currency) : null,
          channel: null,
        }),
      ),
      ...ads.map(
        (r): ConnectorEntity => ({
          level: "ad",
          externalId: String(r.ad_id),
          parentExternalId: String(r.adgroup_id),
          name: String(r.ad_name ?? ""),
          status: tiktokStatus(r.operation_status),
          dailyBudgetMinor: null,
          bidMinor: null,
          channel: null,
        }),
      ),
    ];
  }

  async fetchPerformance(request: PerformanceRequest): Promise<PerformanceFact[]> {
    const advertiser = request.accountExternalId;
    const { currency } = await this.account(advertiser);
    const entities = request.level === "campaign" ? [] : await this.listEntities(advertiser);
    const parent = new Map(entities.map((e) => [e.externalId, e.parentExternalId ?? ""]));
    const [dataLevel, idDimension] = DATA_LEVEL[request.level];
    const hourly = request.granularity === "hour";
    const valueMetric = this.config.valueMetric ?? "total_complete_payment_rate";
    const conversionMetric = this.config.conversionMetric ?? "conversion";
    const chunk = hourly ? 1 : (this.config.maxReportDays ?? 30);
    const facts: PerformanceFact[] = [];
    for (let start = request.from; start <= request.to; start = addDays(start, chunk)) {
      const last = addDays(start, chunk - 1);
      const end = earlierDate(last, request.to);
      const rows = await this.pages<{ dimensions: Record<string, string>; metrics: Record<string, string> }>(
        "report/integrated/get/",
        {
          advertiser_id: advertiser,
          report_type: "BASIC",
          service_type: "AUCTION",
          data_level: dataLevel,
          dimensions: JSON.stringify([idDimension, hourly ? "stat_time_hour" : "stat_time_day"]),
          metrics: JSON.stringify(["spend", "impressions", "clicks", conversionMetric, valueMetric]),
          start_date: start,
          end_date: end,
        },
      );
      for (const row of rows) {
        const time = row.dimensions.stat_time_hour ?? row.dimensions.stat_time_day ?? "";
        const id = row.dimensions[idDimension] ?? "";
        const group =
          request.level === "ad" ? (parent.get(id) ?? "") : request.level === "ad_group" ? id : "";
        facts.push({
          accountId: advertiser,
          date: time.slice(0, 10),
          hour: hourly ? Number(time.slice(11, 13)) : -1,
          campaignId: request.level === "campaign" ? id : (parent.get(group) ?? ""),
          adGroupId: group,
          adId: request.level === "ad" ? id : "",
          impressions: count(row.metrics.impressions),
          clicks: count(row.metrics.clicks),
          costMinor: this.minor(row.metrics.spend, currency) ?? 0,
          conversions: count(row.metrics[conversionMetric]),
          revenueMinor: this.minor(row.metrics[valueMetric], currency) ?? 0,
          currency,
        });
      }
    }
    return facts;
  }

  async applyChange(change: EntityChange): Promise<ChangeResult> {
    const previous = this.applied.get(change.idempotencyKey);
    if (previous) return previous;
    const advertiser_id = change.accountExternalId;
    const { currency } = await this.account(advertiser_id);
    const id = change.entityExternalId;
    const major = (minor: number) => Number(minorToDecimal(minor, currency));
    let path: string;
    let body: Record<string, unknown>;
    if (change.level === "ad")
      return refused("invalid_request", "tiktok: changes are applied to campaigns and ad groups");
    if (change.kind === "daily_budget") {
      [path, body] =
        change.level === "campaign"
          ? [
              "campaign/update/",
              { advertiser_id, campaign_id: id, budget: major(change.value.dailyBudgetMinor) },
            ]
          : [
              "adgroup/budget/update/",
              { advertiser_id, budget: [{ adgroup_id: id, budget: major(change.value.dailyBudgetMinor) }] },
            ];
    } else if (change.kind === "status") {
      const operation_status = change.value.status === "active" ? "ENABLE" : "DISABLE";
      [path, body] =
        change.level === "campaign"
          ? ["campaign/status/update/", { advertiser_id, campaign_ids: [id], operation_status }]
          : [
              "adgroup/status/update/",
              { advertiser_id, adgroup_ids: [id], operation_status, allow_partial_success: false },
            ];
    } else {
      if (change.level !== "ad_group") return refused("invalid_request", "tiktok: bids are set on ad groups");
      [path, body] = [
        "adgroup/update/",
        { advertiser_id, adgroup_id: id, bid_price: major(change.value.bidMinor) },
      ];
    }
    let answer: unknown;
    try {
      answer = await this.http.json({ method: "POST", url: `${this.base}/${path}`, json: body });
    } catch (error) {
      if (error instanceof ConnectorFailure && !error.transient && error.kind !== "auth")
        return refused(error.kind, error.message);
      throw error;
    }
    const entity = (await this.listEntities(advertiser_id)).find(
      (e) => e.level === change.level && e.externalId === id,
    );
    const result: ChangeResult = {
      ok: true,
      after: entity
        ? { dailyBudgetMinor: entity.dailyBudgetMinor, status: entity.status, bidMinor: entity.bidMinor }
        : null,
      platformResponse: answer,
    };
    this.applied.set(change.idempotencyKey, result);
    return result;
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

  private async get<T>(path: string, query: Record<string, string | number>): Promise<T> {
    const envelope = await this.http.json<Envelope<T>>({ method: "GET", url: `${this.base}/${path}`, query });
    return envelope.data;
  }

  /** All pages of a list endpoint: page 1..page_info.total_page. */
  private async pages<T>(path: string, query: Record<string, string | number>): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const data = await this.get<PageData<T>>(path, {
        ...query,
        page,
        page_size: this.config.pageSize ?? 1000,
      });
      out.push(...(data.list ?? []));
      if (!data.page_info || page >= data.page_info.total_page) return out;
    }
  }

  private async account(id: string): Promise<ConnectorAccount> {
    if (!this.accounts.has(id)) {
      const info = await this.get<{
        list?: { advertiser_id: string; name?: string; currency?: string; timezone?: string }[];
      }>("advertiser/info/", { advertiser_ids: JSON.stringify([id]) });
      const a = info.list?.[0];
      if (!a)
        throw new ConnectorFailure("not_found", `tiktok: advertiser ${id} is not authorised for this token`);
      this.accounts.set(id, {
        externalId: id,
        name: a.name ?? id,
        currency: a.currency ?? "USD",
        timeZone: a.timezone ?? "UTC",
      });
    }
    return this.accounts.get(id)!;
  }

  private minor(value: string | number | undefined, currency: string): number | null {
    if (value === undefined || value === "-" || value === "") return null;
    const minor = decimalToMinor(String(value), currency);
    if (minor === undefined)
      throw new RangeError(`tiktok: expected a decimal amount, got ${JSON.stringify(value)}`);
    return minor;
  }

  private async refresh(current: TokenState): Promise<TokenState> {
    const fetchFn = this.config.fetch ?? ((input, init) => fetch(input, init));
    const response = await fetchFn(`${this.base}/oauth2/refresh_token/`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        app_id: this.config.appId,
        secret: this.config.secret,
        refresh_token: current.refreshToken,
        grant_type: "refresh_token",
      }),
    });
    const body = (await response.json().catch(() => ({}))) as Envelope<{
      access_token?: string;
      refresh_token?: string;
      access_token_expire_in?: number;
      expires_in?: number;
    }>;
    if (body.code !== 0 || !body.data?.access_token)
      throw reauthorise("tiktok", `${body.code}: ${body.message}`);
    const seconds = body.data.access_token_expire_in ?? body.data.expires_in;
    const now = (this.config.now ?? Date.now)();
    return {
      accessToken: body.data.access_token,
      expiresAt: seconds ? new Date(now + seconds * 1000) : null,
      refreshToken: body.data.refresh_token,
    };
  }
}

function tiktokStatus(status: string | number | undefined): EntityStatus {
  return status === "ENABLE" ? "active" : status === "DISABLE" ? "paused" : "removed";
}

function count(text: string | undefined): number {
  if (text === undefined || text === "-") return 0;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new RangeError(`tiktok: expected a number, got ${JSON.stringify(text)}`);
  return n;
}

function refused(kind: ConnectorFailure["kind"], message: string): ChangeResult {
  return { ok: false, after: null, platformResponse: null, error: { kind, message } };
}

/** The earlier of two ISO dates (string comparison; Math.min would coerce them to NaN). */
function earlierDate(a: string, b: string): string {
  return a.localeCompare(b) <= 0 ? a : b;
}
