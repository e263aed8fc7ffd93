// A local fake of the Google Ads REST API (v26), its OAuth token endpoint and the Data Manager
// API's events:ingest, reproducing the contracts in shared/research/platform-apis.md §1.
import { currencyExponent } from "../../../src/domain/currency.js";
import {
  type FakeReply,
  type FakeRequest,
  FaultQueue,
  header,
  type RunningFake,
  startFake,
} from "../http.js";
import { aggregate, type FakeAccount, type FakeStatus } from "../world.js";
import { GaqlError, type GaqlQuery, jsonPath, parseGaql } from "./gaql.js";

export interface GoogleFakeOptions {
  accounts: FakeAccount[];
  version?: string;
  accessTokens?: string[];
  expiredTokens?: string[];
  refreshTokens?: string[];
  clientId?: string;
  clientSecret?: string;
  /** When set, every call must carry `login-customer-id: <managerId>`. */
  managerId?: string;
  /** Customers the credentials cannot access (403 USER_PERMISSION_DENIED). */
  forbiddenCustomers?: string[];
  /** Rows per searchStream batch (the real API sends up to 10,000). */
  batchSize?: number;
  minBudgetMicros?: number;
}

interface Budget {
  id: string;
  amountMicros: number;
  referenceCount: number;
  removed: boolean;
}

export interface GoogleFake extends RunningFake {
  faults: FaultQueue;
  budgets: Map<string, Budget>;
  accessTokens: Set<string>;
  ingested: unknown[];
  /** Issues a new access token (what the token endpoint hands out next). */
  tokensIssued: number;
}

const STATUS: Record<FakeStatus, string> = { active: "ENABLED", paused: "PAUSED", removed: "REMOVED" };

export async function startGoogleFake(options: GoogleFakeOptions, port = 0): Promise<GoogleFake> {
  const version = options.version ?? "v26";
  const faults = new FaultQueue();
  const accessTokens = new Set(options.accessTokens ?? ["ya29.valid"]);
  const expired = new Set(options.expiredTokens ?? []);
  const refreshTokens = new Set(options.refreshTokens ?? ["1//refresh"]);
  const budgets = new Map<string, Budget>();
  for (const account of options.accounts) {
    for (const c of account.campaigns) {
      budgets.set(`${account.id}/${budgetIdOf(c.id)}`, {
        id: budgetIdOf(c.id),
        amountMicros: (c.dailyBudgetMinor ?? 0) * 10 ** (6 - currencyExponent(account.currency)),
        referenceCount: 1,
        removed: false,
      });
    }
  }
  const ingested: unknown[] = [];
  const state = { tokensIssued: 0 };

  const handler = (req: FakeRequest): FakeReply => {
    if (req.path === "/token") return tokenEndpoint(req);
    const fault = faults.take(req);
    if (fault) return req.path.endsWith(":searchStream") ? { ...fault, body: [fault.body] } : fault;
    const auth = authenticate(req);
    if (auth) return req.path.endsWith(":searchStream") ? { ...auth, body: [auth.body] } : auth;
    if (req.path === "/v1/events:ingest" && req.method === "POST") return ingest(req);
    if (req.path === "/v1/requestStatus:retrieve") return requestStatus(req);
    const prefix = `/${version}/`;
    if (!req.path.startsWith(prefix)) return { status: 404, body: "<html>Error 404 (Not Found)</html>" };
    const rest = req.path.slice(prefix.length);
    if (rest === "customers:listAccessibleCustomers" && req.method === "GET") {
      return {
        body: {
          resourceNames: options.accounts.map((a) => `customers/${a.id}`),
        },
      };
    }
    const match =
      /^customers\/(\d+)\/(googleAds:searchStream|googleAds:search|campaignBudgets:mutate|campaigns:mutate|adGroups:mutate)$/.exec(
        rest,
      );
    if (!match || req.method !== "POST") return { status: 404, body: "<html>Error 404 (Not Found)</html>" };
    const account = options.accounts.find((a) => a.id === match[1]);
    const denied = checkAccess(req, match[1], account);
    if (denied) return match[2] === "googleAds:searchStream" ? { ...denied, body: [denied.body] } : denied;
    const body = JSON.parse(req.body || "{}") as Record<string, unknown>;
    switch (match[2]) {
      case "googleAds:searchStream":
        return searchStream(account!, body);
      case "googleAds:search":
        return search(account!, body);
      case "campaignBudgets:mutate":
        return mutateBudgets(account!, body);
      case "campaigns:mutate":
        return mutateStatus(account!, body, "campaign");
      default:
        return mutateStatus(account!, body, "ad_group");
    }
  };

  function tokenEndpoint(req: FakeRequest): FakeReply {
    const form = new URLSearchParams(req.body);
    if (form.get("grant_type") !== "refresh_token") {
      return {
        status: 400,
        body: { error: "unsupported_grant_type", error_description: "Invalid grant_type" },
      };
    }
    if (
      (options.clientId && form.get("client_id") !== options.clientId) ||
      (options.clientSecret && form.get("client_secret") !== options.clientSecret)
    ) {
      return { status: 401, body: { error: "invalid_client", error_description: "Unauthorized" } };
    }
    if (!refreshTokens.has(form.get("refresh_token") ?? "")) {
      return {
        status: 400,
        body: { error: "invalid_grant", error_description: "Token has been expired or revoked." },
      };
    }
    state.tokensIssued++;
    const token = `ya29.fresh-${state.tokensIssued}`;
    accessTokens.add(token);
    return {
      body: {
        access_token: token,
        expires_in: 3599,
        scope: "https://www.googleapis.com/auth/adwords",
        token_type: "Bearer",
      },
    };
  }

  function authenticate(req: FakeRequest): FakeReply | undefined {
    const token = /^Bearer (.+)$/.exec(header(req, "authorization") ?? "")?.[1];
    if (token && accessTokens.has(token) && !expired.has(token)) return undefined;
    const code =
      token && expired.has(token) ? "OAUTH_TOKEN_EXPIRED" : token ? "OAUTH_TOKEN_INVALID" : "NOT_ADS_USER";
    return failure(401, "UNAUTHENTICATED", [
      {
        errorCode: { authenticationError: code },
        message:
          code === "OAUTH_TOKEN_EXPIRED"
            ? "The OAuth access token has expired."
            : "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
      },
    ]);
  }

  function checkAccess(
    req: FakeRequest,
    customerId: string,
    account: FakeAccount | undefined,
  ): FakeReply | undefined {
    const login = header(req, "login-customer-id");
    if (
      !account ||
      options.forbiddenCustomers?.includes(customerId) ||
      (options.managerId !== undefined && login !== options.managerId)
    ) {
      return failure(403, "PERMISSION_DENIED", [
        {
          errorCode: { authorizationError: "USER_PERMISSION_DENIED" },
          message:
            "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header.",
        },
      ]);
    }
    return undefined;
  }

  function runQuery(
    account: FakeAccount,
    body: Record<string, unknown>,
  ): { rows: unknown[]; fieldMask: string } | FakeReply {
    let query: GaqlQuery;
    try {
      query = parseGaql(String(body.query ?? ""));
    } catch (error) {
      if (!(error instanceof GaqlError)) throw error;
      return failure(400, "INVALID_ARGUMENT", [
        {
          errorCode: { queryError: error.code },
          message: error.message,
          ...(error.trigger ? { trigger: { stringValue: error.trigger } } : {}),
          location: { fieldPathElements: [{ fieldName: "query" }] },
        },
      ]);
    }
    return {
      rows: queryRows(account, query),
      fieldMask: query.fields.map((f) => jsonPath(f).join(".")).join(","),
    };
  }

  function searchStream(account: FakeAccount, body: Record<string, unknown>): FakeReply {
    const result = runQuery(account, body);
    if (!("rows" in result)) return { ...result, body: [result.body] };
    const size = options.batchSize ?? 10_000;
    const batches: unknown[] = [];
    for (let i = 0; i < Math.max(1, result.rows.length); i += size) {
      batches.push({
        results: result.rows.slice(i, i + size),
        fieldMask: result.fieldMask,
        requestId: `req-${i}`,
      });
    }
    (batches.at(-1) as Record<string, unknown>).queryResourceConsumption = String(10 + result.rows.length);
    return { body: batches, headers: { "request-id": "req-stream" } };
  }

  function search(account: FakeAccount, body: Record<string, unknown>): FakeReply {
    const result = runQuery(account, body);
    if (!("rows" in result)) return result;
    const size = options.batchSize ?? 10_000;
    const start = body.pageToken ? Number(Buffer.from(String(body.pageToken), "base64").toString()) : 0;
    const page = result.rows.slice(start, start + size);
    const next =
      start + size < result.rows.length ? Buffer.from(String(start + size)).toString("base64") : undefined;
    return {
      body: { results: page, fieldMask: result.fieldMask, requestId: "req-search", nextPageToken: next },
    };
  }

  function queryRows(account: FakeAccount, query: GaqlQuery): unknown[] {
    const micros = 10 ** (6 - currencyExponent(account.currency));
    const dateRange = query.where.find((w) => w.field === "segments.date" && w.op === "BETWEEN")?.values;
    const selectsDate = query.fields.includes("segments.date");
    const hourly = query.fields.includes("segments.hour");
    const selectsMetrics = query.fields.some((f) => f.startsWith("metrics."));
    const level = query.from === "campaign" ? "campaign" : query.from === "ad_group" ? "ad_group" : "ad";
    const entityValues = (id: string): Record<string, unknown> => {
      const cid = account.id;
      if (query.from === "customer") {
        return {
          "customer.id": cid,
          "customer.descriptive_name": account.name,
          "customer.currency_code": account.currency,
          "customer.time_zone": account.timeZone,
          "customer.manager": false,
        };
      }
      if (query.from === "campaign") {
        const c = account.campaigns.find((x) => x.id === id)!;
        const b = budgets.get(`${cid}/${budgetIdOf(c.id)}`)!;
        return {
          "campaign.id": c.id,
          "campaign.name": c.name,
          "campaign.status": STATUS[c.status],
          "campaign.campaign_budget": `customers/${cid}/campaignBudgets/${b.id}`,
          "campaign.advertising_channel_type":
            c.channel === "video" ? "VIDEO" : c.channel === "display" ? "DISPLAY" : "SEARCH",
          "campaign_budget.id": b.id,
          "campaign_budget.amount_micros": String(b.amountMicros),
          "campaign_budget.explicitly_shared": b.referenceCount > 1,
          "campaign_budget.reference_count": String(b.referenceCount),
        };
      }
      if (query.from === "ad_group") {
        const g = account.adGroups.find((x) => x.id === id)!;
        return {
          "ad_group.id": g.id,
          "ad_group.name": g.name,
          "ad_group.status": STATUS[g.status],
          "ad_group.cpc_bid_micros": g.bidMinor === null ? undefined : String(g.bidMinor * micros),
          "ad_group.campaign": `customers/${cid}/campaigns/${g.campaignId}`,
          "campaign.id": g.campaignId,
        };
      }
      const ad = account.ads.find((x) => x.id === id)!;
      const g = account.adGroups.find((x) => x.id === ad.adGroupId)!;
      return {
        "ad_group_ad.ad.id": ad.id,
        "ad_group_ad.ad.name": ad.name,
        "ad_group_ad.status": STATUS[ad.status],
        "ad_group_ad.ad_group": `customers/${cid}/adGroups/${g.id}`,
        "ad_group.id": g.id,
        "campaign.id": g.campaignId,
      };
    };
    const ids =
      query.from === "customer"
        ? [account.id]
        : query.from === "campaign"
          ? account.campaigns.map((c) => c.id)
          : query.from === "ad_group"
            ? account.adGroups.map((g) => g.id)
            : account.ads.map((a) => a.id);
    let rows: Record<string, unknown>[];
    if (selectsDate || selectsMetrics) {
      const [from, to] = dateRange ?? ["0000-01-01", "9999-12-31"];
      rows = aggregate(account, level, from, to, hourly).map((r) => ({
        ...entityValues(r.entityId),
        "segments.date": r.date,
        "segments.hour": hourly ? r.hour : undefined,
        "metrics.impressions": String(r.totals.impressions),
        "metrics.clicks": String(r.totals.clicks),
        "metrics.cost_micros": String(r.totals.costMinor * micros),
        "metrics.conversions": r.totals.conversions,
        "metrics.conversions_value": r.totals.revenueMinor / 10 ** currencyExponent(account.currency),
      }));
    } else {
      rows = ids.map(entityValues);
    }
    rows = rows.filter((row) =>
      query.where.every((w) => {
        if (w.op === "BETWEEN") return true;
        const value = String(row[w.field]);
        return w.op === "=" ? value === w.values[0] : value !== w.values[0];
      }),
    );
    return rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const field of query.fields) {
        const value = row[field];
        // proto3 JSON omits zero-valued metrics; reproduce it so parsers treat absent as 0.
        if (value === undefined || (field.startsWith("metrics.") && (value === "0" || value === 0))) continue;
        setPath(out, jsonPath(field), value);
      }
      return out;
    });
  }

  function mutateBudgets(account: FakeAccount, body: Record<string, unknown>): FakeReply {
    const partial = body.partialFailure === true;
    const validateOnly = body.validateOnly === true;
    const operations = (body.operations as Record<string, unknown>[]) ?? [];
    const results: unknown[] = [];
    const errors: unknown[] = [];
    const unit = 10 ** (6 - currencyExponent(account.currency));
    for (const [index, op] of operations.entries()) {
      const update = op.update as Record<string, unknown> | undefined;
      const mask = String(op.updateMask ?? "");
      const fail = (code: Record<string, string>, message: string, trigger?: unknown) => {
        errors.push({
          errorCode: code,
          message,
          ...(trigger !== undefined ? { trigger: { int64Value: String(trigger) } } : {}),
          location: {
            fieldPathElements: [
              { fieldName: "operations", index },
              { fieldName: "update" },
              { fieldName: "amount_micros" },
            ],
          },
        });
        results.push({});
      };
      if (!update || !/(^|,)(amountMicros|amount_micros)(,|$)/.test(mask)) {
        fail(
          { fieldMaskError: "FIELD_NOT_FOUND" },
          "The field mask contained an invalid field: amountMicros missing.",
        );
        continue;
      }
      const budgetId = /campaignBudgets\/(\d+)$/.exec(String(update.resourceName))?.[1] ?? "";
      const budget = budgets.get(`${account.id}/${budgetId}`);
      const amount = Number(update.amountMicros);
      if (!budget) {
        fail({ mutateError: "RESOURCE_NOT_FOUND" }, "The resource was not found.");
        continue;
      }
      if (budget.removed) {
        fail(
          { campaignBudgetError: "CAMPAIGN_BUDGET_REMOVED" },
          "The requested campaign budget no longer exists.",
        );
        continue;
      }
      if (!Number.isSafeInteger(amount) || amount < 0) {
        fail(
          { campaignBudgetError: "NEGATIVE_MONEY_AMOUNT" },
          "A money amount was negative.",
          update.amountMicros,
        );
        continue;
      }
      if (amount % unit !== 0) {
        fail(
          { campaignBudgetError: "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT" },
          "A money amount was not a multiple of a minimum unit.",
          amount,
        );
        continue;
      }
      if (amount < (options.minBudgetMicros ?? 0)) {
        fail(
          { campaignBudgetError: "BUDGET_BELOW_PER_DAY_MINIMUM" },
          "The budget is below the per-day minimum.",
          amount,
        );
        continue;
      }
      if (!validateOnly && (partial || errors.length === 0)) budget.amountMicros = amount;
      results.push({
        resourceName: `customers/${account.id}/campaignBudgets/${budget.id}`,
        ...(body.responseContentType === "MUTABLE_RESOURCE"
          ? {
              campaignBudget: {
                resourceName: `customers/${account.id}/campaignBudgets/${budget.id}`,
                id: budget.id,
                amountMicros: String(budget.amountMicros),
              },
            }
          : {}),
      });
    }
    if (errors.length > 0 && !partial) return failure(400, "INVALID_ARGUMENT", errors.slice(0, 1));
    if (validateOnly) return { body: {} };
    if (errors.length > 0) {
      return {
        body: {
          partialFailureError: {
            code: 3,
            message: (errors as { message: string }[]).map((e) => e.message).join(", "),
            details: [adsFailureDetail(errors)],
          },
          results,
        },
      };
    }
    return { body: { results } };
  }

  function mutateStatus(
    account: FakeAccount,
    body: Record<string, unknown>,
    level: "campaign" | "ad_group",
  ): FakeReply {
    const results: unknown[] = [];
    for (const [index, op] of ((body.operations as Record<string, unknown>[]) ?? []).entries()) {
      const update = op.update as Record<string, unknown>;
      const id = /\/(\d+)$/.exec(String(update?.resourceName))?.[1];
      const entity =
        level === "campaign"
          ? account.campaigns.find((c) => c.id === id)
          : account.adGroups.find((g) => g.id === id);
      if (!entity) {
        return failure(400, "INVALID_ARGUMENT", [
          {
            errorCode: { mutateError: "RESOURCE_NOT_FOUND" },
            message: "The resource was not found.",
            location: { fieldPathElements: [{ fieldName: "operations", index }] },
          },
        ]);
      }
      const mask = String(op.updateMask ?? "").split(",");
      if (mask.includes("status")) {
        const status = String(update.status);
        if (status !== "ENABLED" && status !== "PAUSED") {
          return failure(400, "INVALID_ARGUMENT", [
            { errorCode: { requestError: "INVALID_ENUM_VALUE" }, message: `Invalid status ${status}` },
          ]);
        }
        if (body.validateOnly !== true) entity.status = status === "ENABLED" ? "active" : "paused";
      }
      if (level === "ad_group" && (mask.includes("cpcBidMicros") || mask.includes("cpc_bid_micros"))) {
        const unit = 10 ** (6 - currencyExponent(account.currency));
        const micros = Number(update.cpcBidMicros);
        if (micros % unit !== 0) {
          return failure(400, "INVALID_ARGUMENT", [
            {
              errorCode: { adGroupError: "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT" },
              message: "Bid not a multiple of the minimum unit.",
            },
          ]);
        }
        if (body.validateOnly !== true) (entity as { bidMinor: number | null }).bidMinor = micros / unit;
      }
      const resourceName = `customers/${account.id}/${level === "campaign" ? "campaigns" : "adGroups"}/${entity.id}`;
      results.push({
        resourceName,
        ...(body.responseContentType === "MUTABLE_RESOURCE"
          ? {
              [level === "campaign" ? "campaign" : "adGroup"]: {
                resourceName,
                id: entity.id,
                status: STATUS[entity.status],
                ...("bidMinor" in entity && entity.bidMinor !== null
                  ? { cpcBidMicros: String(entity.bidMinor * 10 ** (6 - currencyExponent(account.currency))) }
                  : {}),
              },
            }
          : {}),
      });
    }
    return { body: body.validateOnly === true ? {} : { results } };
  }

  function ingest(req: FakeRequest): FakeReply {
    const body = JSON.parse(req.body || "{}") as Record<string, unknown>;
    const invalid = (message: string): FakeReply => ({
      status: 400,
      body: { error: { code: 400, message, status: "INVALID_ARGUMENT" } },
    });
    const destinations = body.destinations as Record<string, unknown>[] | undefined;
    const events = body.events as Record<string, unknown>[] | undefined;
    if (!destinations?.length) return invalid("destinations is required");
    if (!events?.length || events.length > 2000) return invalid("events must hold 1 to 2,000 events");
    const hex = body.encoding === "HEX";
    for (const [i, e] of events.entries()) {
      if (typeof e.eventTimestamp !== "string" || Number.isNaN(Date.parse(e.eventTimestamp))) {
        return invalid(`events[${i}].eventTimestamp must be an RFC 3339 timestamp`);
      }
      if (!["WEB", "APP", "IN_STORE", "PHONE", "OTHER"].includes(String(e.eventSource))) {
        return invalid(`events[${i}].eventSource is required for offline conversions`);
      }
      const ids = (
        (e.userData as { userIdentifiers?: Record<string, string>[] })?.userIdentifiers ?? []
      ).flatMap((u) => Object.values(u).filter((v) => typeof v === "string"));
      if (hex && ids.some((v) => !/^[0-9a-f]{64}$/.test(v)))
        return invalid(`events[${i}] has an identifier that is not a SHA-256 hex digest`);
      if (!e.adIdentifiers && ids.length === 0)
        return invalid(`events[${i}] needs adIdentifiers or userData`);
    }
    ingested.push(body);
    return { body: { requestId: `dm-${ingested.length}` } };
  }

  function requestStatus(req: FakeRequest): FakeReply {
    const n = Number(req.query.get("requestId")?.replace("dm-", ""));
    const body = ingested[n - 1] as { destinations: unknown[]; events: unknown[] } | undefined;
    if (!body)
      return {
        status: 404,
        body: { error: { code: 404, message: "request not found", status: "NOT_FOUND" } },
      };
    return {
      body: {
        requestStatusPerDestination: body.destinations.map((destination) => ({
          destination,
          requestStatus: "SUCCESS",
          eventsIngestionStatus: { recordCount: String(body.events.length) },
        })),
      },
    };
  }

  const server = await startFake(handler, port);
  const fake = Object.assign(server, { faults, budgets, accessTokens, ingested, tokensIssued: 0 });
  Object.defineProperty(fake, "tokensIssued", { get: () => state.tokensIssued });
  return fake;
}

export function budgetIdOf(campaignId: string): string {
  return `9${campaignId}`;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

function adsFailureDetail(errors: unknown[]): unknown {
  return {
    "@type": "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure",
    errors,
    requestId: "fake-request-id",
  };
}

/** A google.rpc.Status error body with one GoogleAdsFailure detail. */
export function failure(code: number, status: string, errors: unknown[]): FakeReply {
  return {
    status: code,
    body: {
      error: {
        code,
        message:
          code === 400 ? "Request contains an invalid argument." : (errors[0] as { message: string }).message,
        status,
        details: [adsFailureDetail(errors)],
      },
    },
  };
}

/** The 429 the real API sends for a short-term rate limit. */
export function quotaExhausted(retryDelay = "60s"): FakeReply {
  return failure(429, "RESOURCE_EXHAUSTED", [
    {
      errorCode: { quotaError: "RESOURCE_TEMPORARILY_EXHAUSTED" },
      message: `Too many requests. Retry in ${retryDelay}.`,
      details: { quotaErrorDetails: { rateScope: "ACCOUNT", rateName: "Requests per account", retryDelay } },
    },
  ]);
}
