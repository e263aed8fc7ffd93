// A local fake of the Meta Marketing API (Graph v26.0) and the Conversions API, reproducing
// shared/research/platform-apis.md §2: string metrics, `actions` arrays, cursor paging with a `next`
// URL, budgets in minor units as strings, usage headers and the throttling error bodies.
import { minorToDecimal } from "../../../src/domain/money.js";
import {
  type FakeReply,
  type FakeRequest,
  FaultQueue,
  header,
  type RunningFake,
  startFake,
} from "../http.js";
import { aggregate, type FakeAccount, type FakeLevel, type FakeStatus } from "../world.js";

export interface MetaFakeOptions {
  accounts: FakeAccount[];
  version?: string;
  accessTokens?: string[];
  expiredTokens?: string[];
  appId?: string;
  appSecret?: string;
  /** Rows per page of any list (the real default is 25; `limit` can lower it). */
  pageSize?: number;
  /** Percentage points of the hourly allowance each call uses (call_count in the usage header). */
  usagePerCall?: number;
  /** Ad accounts the token has no permission on (code 200). */
  forbiddenAccounts?: string[];
}

export interface MetaFake extends RunningFake {
  faults: FaultQueue;
  /** The BUC usage window: a test's fake clock resets it (the real window is one hour). */
  usage: { callCount: number; regainMinutes: number };
  accessTokens: Set<string>;
  capiEvents: unknown[];
  updates: { id: string; fields: Record<string, string> }[];
}

const STATUS: Record<FakeStatus, string> = { active: "ACTIVE", paused: "PAUSED", removed: "DELETED" };

export function graphError(
  code: number,
  message: string,
  extra: Record<string, unknown> = {},
  status = 400,
): FakeReply {
  return {
    status,
    body: {
      error: { message, type: "OAuthException", code, fbtrace_id: "AbJqAij9tVzv8550Tr564M2", ...extra },
    },
  };
}

export async function startMetaFake(options: MetaFakeOptions, port = 0): Promise<MetaFake> {
  const version = options.version ?? "v26.0";
  const faults = new FaultQueue();
  const accessTokens = new Set(options.accessTokens ?? ["EAAB-valid"]);
  const expired = new Set(options.expiredTokens ?? []);
  const usage = { callCount: 0, regainMinutes: 0 };
  const capiEvents: unknown[] = [];
  const updates: { id: string; fields: Record<string, string> }[] = [];
  let exchanged = 0;

  const handler = (req: FakeRequest, origin: string): FakeReply => {
    const prefix = `/${version}/`;
    if (!req.path.startsWith(prefix)) {
      return graphError(
        2635,
        `(#2635) You are calling a deprecated version of the Ads API. Please update to ${version}.`,
      );
    }
    const rest = req.path.slice(prefix.length);
    const params = new URLSearchParams(req.query);
    if (req.method === "POST" && req.body) {
      const type = header(req, "content-type") ?? "";
      if (type.includes("json")) {
        for (const [k, v] of Object.entries(JSON.parse(req.body) as Record<string, unknown>)) {
          params.set(k, typeof v === "string" ? v : JSON.stringify(v));
        }
      } else for (const [k, v] of new URLSearchParams(req.body)) params.set(k, v);
    }
    if (rest === "oauth/access_token") return exchange(params);
    const token =
      /^Bearer (.+)$/.exec(header(req, "authorization") ?? "")?.[1] ?? params.get("access_token") ?? "";
    if (expired.has(token)) {
      return graphError(
        190,
        "Error validating access token: Session has expired on Friday, 20-Nov-26 10:00:00 PST.",
        {
          error_subcode: 463,
        },
      );
    }
    if (!accessTokens.has(token))
      return graphError(190, "Invalid OAuth access token - Cannot parse access token");

    const reply = withUsage(route(rest, req, params, origin), rest);
    return reply;
  };

  function withUsage(reply: FakeReply, rest: string): FakeReply {
    const accountId = /^act_(\d+)/.exec(rest)?.[1] ?? options.accounts[0]?.id ?? "0";
    const headers = {
      "x-business-use-case-usage": JSON.stringify({
        [accountId]: [
          {
            type: "ads_management",
            call_count: usage.callCount,
            total_cputime: Math.floor(usage.callCount / 2),
            total_time: Math.floor(usage.callCount / 2),
            estimated_time_to_regain_access: usage.regainMinutes,
            ads_api_access_tier: "standard_access",
          },
        ],
      }),
      "x-ad-account-usage": JSON.stringify({
        acc_id_util_pct: usage.callCount / 2,
        reset_time_duration: 300,
        ads_api_access_tier: "standard_access",
      }),
      "facebook-api-version": version,
    };
    return { ...reply, headers: { ...headers, ...reply.headers } };
  }

  function route(rest: string, req: FakeRequest, params: URLSearchParams, origin: string): FakeReply {
    const fault = faults.take(req);
    if (fault) return fault;
    // Business use case throttling: past 100% of the hourly allowance every call is refused.
    if (usage.callCount >= 100) {
      usage.regainMinutes = Math.max(usage.regainMinutes, 5);
      return graphError(
        80004,
        "(#80004) There have been too many calls to this ad-account. Wait a bit and try again.",
        { error_subcode: 2446079 },
      );
    }
    usage.callCount += options.usagePerCall ?? 0;
    if (rest === "me/adaccounts") {
      return page(
        options.accounts.map((a) => ({
          id: `act_${a.id}`,
          account_id: a.id,
          name: a.name,
          currency: a.currency,
          timezone_name: a.timeZone,
        })),
        params,
        origin,
        req.path,
      );
    }
    const edge = /^act_(\d+)\/(campaigns|adsets|ads|insights)$/.exec(rest);
    if (edge) {
      const account = options.accounts.find((a) => a.id === edge[1]);
      if (!account)
        return graphError(
          100,
          `(#100) Unsupported get request. Object with ID 'act_${edge[1]}' does not exist`,
        );
      if (options.forbiddenAccounts?.includes(account.id)) {
        return graphError(
          200,
          "(#200) Requires ads_management or ads_read permission to manage the object",
          {},
          403,
        );
      }
      if (edge[2] === "insights") return insights(account, params, origin, req.path);
      return page(entities(account, edge[2] as "campaigns" | "adsets" | "ads"), params, origin, req.path);
    }
    const events = /^(\d+)\/events$/.exec(rest);
    if (events && req.method === "POST") return capi(params);
    const node = /^(\d+)$/.exec(rest);
    if (node) return req.method === "POST" ? update(node[1], params) : read(node[1]);
    return graphError(100, `(#100) Unknown path components: /${rest}`);
  }

  function exchange(params: URLSearchParams): FakeReply {
    if (params.get("grant_type") !== "fb_exchange_token")
      return graphError(100, "(#100) grant_type is invalid");
    if (
      params.get("client_id") !== (options.appId ?? "app") ||
      params.get("client_secret") !== (options.appSecret ?? "secret")
    ) {
      return graphError(101, "Error validating application. Invalid application ID.");
    }
    const current = params.get("fb_exchange_token") ?? "";
    if (!accessTokens.has(current) || expired.has(current)) {
      return graphError(190, "Error validating access token: Session has expired.", { error_subcode: 463 });
    }
    exchanged++;
    const token = `EAAB-long-${exchanged}`;
    accessTokens.add(token);
    return { body: { access_token: token, token_type: "bearer", expires_in: 5183944 } };
  }

  function entities(account: FakeAccount, kind: "campaigns" | "adsets" | "ads"): Record<string, unknown>[] {
    if (kind === "campaigns") {
      return account.campaigns.map((c) => ({
        id: c.id,
        name: c.name,
        status: STATUS[c.status],
        ...(c.dailyBudgetMinor === null ? {} : { daily_budget: String(c.dailyBudgetMinor) }),
        objective: "OUTCOME_SALES",
      }));
    }
    if (kind === "adsets") {
      return account.adGroups.map((g) => ({
        id: g.id,
        name: g.name,
        status: STATUS[g.status],
        campaign_id: g.campaignId,
        ...(g.dailyBudgetMinor === null ? {} : { daily_budget: String(g.dailyBudgetMinor) }),
        ...(g.bidMinor === null ? {} : { bid_amount: g.bidMinor }),
      }));
    }
    const campaignOf = new Map(account.adGroups.map((g) => [g.id, g.campaignId]));
    return account.ads.map((a) => ({
      id: a.id,
      name: a.name,
      status: STATUS[a.status],
      adset_id: a.adGroupId,
      campaign_id: campaignOf.get(a.adGroupId),
    }));
  }

  function insights(account: FakeAccount, params: URLSearchParams, origin: string, path: string): FakeReply {
    const level = params.get("level") ?? "account";
    if (!["campaign", "adset", "ad"].includes(level))
      return graphError(100, `(#100) level must be one of campaign, adset, ad`);
    let range: { since?: string; until?: string };
    try {
      range = JSON.parse(params.get("time_range") ?? "{}");
    } catch {
      return graphError(100, "(#100) time_range must be a JSON object");
    }
    if (!range.since || !range.until) return graphError(100, "(#100) time_range requires since and until");
    if (params.get("time_increment") !== "1")
      return graphError(100, "(#100) this fake serves daily rows only (time_increment=1)");
    const hourly = params.get("breakdowns") === "hourly_stats_aggregated_by_advertiser_time_zone";
    const fakeLevel: FakeLevel = level === "adset" ? "ad_group" : (level as FakeLevel);
    const groupOf = new Map(account.ads.map((a) => [a.id, a.adGroupId]));
    const campaignOf = new Map(account.adGroups.map((g) => [g.id, g.campaignId]));
    const rows = aggregate(account, fakeLevel, range.since, range.until, hourly).map((r) => {
      const adsetId =
        fakeLevel === "ad" ? groupOf.get(r.entityId) : fakeLevel === "ad_group" ? r.entityId : undefined;
      const campaignId = fakeLevel === "campaign" ? r.entityId : campaignOf.get(adsetId!);
      const t = r.totals;
      const purchases = String(t.conversions);
      const value = minorToDecimal(t.revenueMinor, account.currency);
      return {
        account_currency: account.currency,
        campaign_id: campaignId,
        ...(adsetId ? { adset_id: adsetId } : {}),
        ...(fakeLevel === "ad" ? { ad_id: r.entityId } : {}),
        impressions: String(t.impressions),
        clicks: String(t.clicks),
        spend: minorToDecimal(t.costMinor, account.currency),
        // the same purchases appear under three action types; Meta omits empty arrays
        ...(t.conversions > 0
          ? {
              actions: [
                { action_type: "link_click", value: String(t.clicks) },
                { action_type: "offsite_conversion.fb_pixel_purchase", value: purchases },
                { action_type: "omni_purchase", value: purchases },
                { action_type: "purchase", value: purchases },
              ],
              action_values: [
                { action_type: "offsite_conversion.fb_pixel_purchase", value },
                { action_type: "omni_purchase", value },
                { action_type: "purchase", value },
              ],
            }
          : {}),
        ...(hourly
          ? {
              hourly_stats_aggregated_by_advertiser_time_zone: `${String(r.hour).padStart(2, "0")}:00:00 - ${String(r.hour).padStart(2, "0")}:59:59`,
            }
          : {}),
        date_start: r.date,
        date_stop: r.date,
      };
    });
    return page(rows, params, origin, path);
  }

  function page(
    rows: Record<string, unknown>[],
    params: URLSearchParams,
    origin: string,
    path: string,
  ): FakeReply {
    const size = Math.min(Number(params.get("limit") ?? 25), options.pageSize ?? 25);
    const start = params.get("after") ? Number(Buffer.from(params.get("after")!, "base64url").toString()) : 0;
    const data = rows.slice(start, start + size);
    const cursor = (n: number) => Buffer.from(String(n)).toString("base64url");
    const paging: Record<string, unknown> = {
      cursors: { before: cursor(start), after: cursor(start + data.length) },
    };
    if (start + size < rows.length) {
      const next = new URLSearchParams(params);
      next.delete("access_token");
      next.set("after", cursor(start + size));
      paging.next = `${origin}${path}?${next.toString()}`;
    }
    return { body: { data, paging } };
  }

  function findEntity(id: string) {
    for (const account of options.accounts) {
      const c = account.campaigns.find((x) => x.id === id);
      if (c)
        return {
          account,
          entity: c as { status: FakeStatus; dailyBudgetMinor: number | null; bidMinor?: number | null },
        };
      const g = account.adGroups.find((x) => x.id === id);
      if (g)
        return {
          account,
          entity: g as { status: FakeStatus; dailyBudgetMinor: number | null; bidMinor?: number | null },
        };
    }
    return undefined;
  }

  function read(id: string): FakeReply {
    const found = findEntity(id);
    if (!found)
      return graphError(100, `(#100) Unsupported get request. Object with ID '${id}' does not exist`);
    const e = found.entity;
    return {
      body: {
        id,
        status: STATUS[e.status],
        ...(e.dailyBudgetMinor === null ? {} : { daily_budget: String(e.dailyBudgetMinor) }),
        ...(e.bidMinor == null ? {} : { bid_amount: e.bidMinor }),
      },
    };
  }

  function update(id: string, params: URLSearchParams): FakeReply {
    const found = findEntity(id);
    if (!found)
      return graphError(100, `(#100) Unsupported post request. Object with ID '${id}' does not exist`);
    const fields: Record<string, string> = {};
    for (const key of ["daily_budget", "status", "bid_amount"]) {
      const v = params.get(key);
      if (v !== null) fields[key] = v;
    }
    if (fields.daily_budget !== undefined) {
      const minor = Number(fields.daily_budget);
      if (!Number.isInteger(minor) || minor < 100) {
        return graphError(100, "(#100) Invalid parameter", {
          error_subcode: 1885272,
          error_user_title: "Budget Too Low",
          error_user_msg: `Your budget must be at least ${minorToDecimal(100, found.account.currency)} ${found.account.currency}.`,
        });
      }
      found.entity.dailyBudgetMinor = minor;
    }
    if (fields.status !== undefined) {
      if (!["ACTIVE", "PAUSED"].includes(fields.status)) return graphError(100, "(#100) Invalid status");
      found.entity.status = fields.status === "ACTIVE" ? "active" : "paused";
    }
    if (fields.bid_amount !== undefined) found.entity.bidMinor = Number(fields.bid_amount);
    updates.push({ id, fields });
    return { body: { success: true } };
  }

  function capi(params: URLSearchParams): FakeReply {
    let data: Record<string, unknown>[];
    try {
      data = JSON.parse(params.get("data") ?? "[]");
    } catch {
      return graphError(100, "(#100) data must be a JSON array");
    }
    const now = Math.floor(Date.now() / 1000);
    for (const [i, e] of data.entries()) {
      if (!e.event_name || !e.action_source)
        return graphError(100, `(#100) events[${i}]: event_name and action_source are required`);
      const t = Number(e.event_time);
      if (!Number.isInteger(t) || t > now + 60 || t < now - 7 * 86_400) {
        return graphError(
          100,
          `(#100) events[${i}]: event_time must be Unix seconds within the last 7 days`,
          { error_subcode: 2804003 },
        );
      }
      const user = (e.user_data ?? {}) as Record<string, unknown>;
      for (const key of ["em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id"]) {
        const values = user[key] === undefined ? [] : ([] as unknown[]).concat(user[key]);
        if (values.some((v) => !/^[0-9a-f]{64}$/.test(String(v)))) {
          return graphError(100, `(#100) events[${i}].user_data.${key} must be SHA-256 hashed`);
        }
      }
      if (Object.keys(user).length === 0)
        return graphError(100, `(#100) events[${i}]: user_data needs at least one identifier`);
    }
    capiEvents.push(...data);
    return { body: { events_received: data.length, messages: [], fbtrace_id: "A2bC3dE4fG5hI6jK7lM8nO" } };
  }

  const server = await startFake(handler, port);
  return Object.assign(server, { faults, usage, accessTokens, capiEvents, updates });
}
