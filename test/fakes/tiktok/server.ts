// A local fake of the TikTok API for Business v1.3 (platform-apis.md §3): the {code, message,
// request_id, data} envelope with errors inside HTTP 200, the Access-Token header, JSON-encoded
// array query parameters, page/page_size paging, metrics as strings ("-" when not available).
import { currencyExponent } from "../../../src/domain/currency.js";
import { decimalToMinor, minorToDecimal } from "../../../src/domain/money.js";
import {
  type FakeReply,
  type FakeRequest,
  FaultQueue,
  header,
  type RunningFake,
  startFake,
} from "../http.js";
import { aggregate, type FakeAccount, type FakeLevel, type FakeStatus } from "../world.js";

export interface TikTokFakeOptions {
  accounts: FakeAccount[];
  appId?: string;
  secret?: string;
  accessTokens?: string[];
  expiredTokens?: string[];
  refreshTokens?: string[];
  /** Advertisers the token is not authorised for (40001). */
  forbiddenAdvertisers?: string[];
  /** Longest stat_time_day range per report request. */
  maxReportDays?: number;
}

export interface TikTokFake extends RunningFake {
  faults: FaultQueue;
  accessTokens: Set<string>;
}

let requestCounter = 0;
export function envelope(code: number, message: string, data: unknown = {}): FakeReply {
  requestCounter++;
  return { status: 200, body: { code, message, request_id: `2026112204151${requestCounter}`, data } };
}

const OPERATION: Record<FakeStatus, string> = { active: "ENABLE", paused: "DISABLE", removed: "DELETE" };

export async function startTikTokFake(options: TikTokFakeOptions, port = 0): Promise<TikTokFake> {
  const faults = new FaultQueue();
  const accessTokens = new Set(options.accessTokens ?? ["act.valid"]);
  const expired = new Set(options.expiredTokens ?? []);
  const refreshTokens = new Set(options.refreshTokens ?? ["rft.valid"]);
  let issued = 0;

  const handler = (req: FakeRequest): FakeReply => {
    const prefix = "/open_api/v1.3/";
    if (!req.path.startsWith(prefix)) return { status: 404, body: "404 page not found" };
    const rest = req.path.slice(prefix.length);
    const body = req.method === "POST" && req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    if (rest === "oauth2/refresh_token/") return refresh(body);
    const token = header(req, "access-token");
    if (!token) return envelope(40104, "Access token is null, please check your request.");
    if (!accessTokens.has(token) || expired.has(token))
      return envelope(40105, "Access token is incorrect or has been revoked.");
    const fault = faults.take(req);
    if (fault) return fault;
    const q = req.query;
    if (rest === "oauth2/advertiser/get/") {
      if (q.get("app_id") !== (options.appId ?? "app") || q.get("secret") !== (options.secret ?? "secret")) {
        return envelope(40101, "Illegal access partner, please check your app_id and secret.");
      }
      return envelope(0, "OK", {
        list: options.accounts.map((a) => ({ advertiser_id: a.id, advertiser_name: a.name })),
      });
    }
    if (rest === "advertiser/info/") {
      const ids = parseJsonParam(q.get("advertiser_ids"));
      if (!Array.isArray(ids)) return envelope(40002, "advertiser_ids: Field must be a JSON array.");
      return envelope(0, "OK", {
        list: options.accounts
          .filter((a) => ids.includes(a.id))
          .map((a) => ({ advertiser_id: a.id, name: a.name, currency: a.currency, timezone: a.timeZone })),
      });
    }
    const advertiserId = String(q.get("advertiser_id") ?? body.advertiser_id ?? "");
    const account = options.accounts.find((a) => a.id === advertiserId);
    if (!account || options.forbiddenAdvertisers?.includes(advertiserId)) {
      return envelope(
        40001,
        `No permission to operate advertiser ${advertiserId}. Please check the authorization.`,
      );
    }
    switch (rest) {
      case "campaign/get/":
        return paged(
          account.campaigns.map((c) => ({
            campaign_id: c.id,
            campaign_name: c.name,
            operation_status: OPERATION[c.status],
            budget_mode: c.dailyBudgetMinor === null ? "BUDGET_MODE_INFINITE" : "BUDGET_MODE_DAY",
            budget: c.dailyBudgetMinor === null ? 0 : major(c.dailyBudgetMinor, account.currency),
          })),
          q,
          (row) => filterIds(q, "campaign_ids", String(row.campaign_id)),
        );
      case "adgroup/get/":
        return paged(
          account.adGroups.map((g) => ({
            adgroup_id: g.id,
            campaign_id: g.campaignId,
            adgroup_name: g.name,
            operation_status: OPERATION[g.status],
            budget_mode: g.dailyBudgetMinor === null ? "BUDGET_MODE_INFINITE" : "BUDGET_MODE_DAY",
            budget: g.dailyBudgetMinor === null ? 0 : major(g.dailyBudgetMinor, account.currency),
            bid_price: g.bidMinor === null ? 0 : major(g.bidMinor, account.currency),
          })),
          q,
          (row) => filterIds(q, "adgroup_ids", String(row.adgroup_id)),
        );
      case "ad/get/": {
        const campaignOf = new Map(account.adGroups.map((g) => [g.id, g.campaignId]));
        return paged(
          account.ads.map((a) => ({
            ad_id: a.id,
            adgroup_id: a.adGroupId,
            campaign_id: campaignOf.get(a.adGroupId),
            ad_name: a.name,
            operation_status: OPERATION[a.status],
          })),
          q,
        );
      }
      case "report/integrated/get/":
        return report(account, q);
      case "campaign/update/":
        return setBudget(account, "campaign", String(body.campaign_id), body.budget);
      case "adgroup/budget/update/": {
        const list = body.budget;
        if (!Array.isArray(list)) return envelope(40002, "budget: Missing data for required field.");
        for (const item of list as { adgroup_id: string; budget: unknown }[]) {
          const answer = setBudget(account, "ad_group", String(item.adgroup_id), item.budget);
          if ((answer.body as { code: number }).code !== 0) return answer;
        }
        return envelope(0, "OK", {});
      }
      case "campaign/status/update/":
        return setStatus(account, "campaign", body.campaign_ids, body.operation_status);
      case "adgroup/status/update/":
        return setStatus(account, "ad_group", body.adgroup_ids, body.operation_status);
      case "adgroup/update/": {
        const group = account.adGroups.find((g) => g.id === String(body.adgroup_id));
        if (!group) return envelope(40002, "adgroup_id: ad group does not exist.");
        const minor = decimalToMinor(String(body.bid_price), account.currency);
        if (minor === undefined || minor <= 0)
          return envelope(40002, "bid_price: must be a positive number.");
        group.bidMinor = minor;
        return envelope(0, "OK", { adgroup_id: group.id });
      }
      default:
        return envelope(40002, `Invalid path ${rest}`);
    }
  };

  function refresh(body: Record<string, unknown>): FakeReply {
    if (body.app_id !== (options.appId ?? "app") || body.secret !== (options.secret ?? "secret")) {
      return envelope(40101, "Illegal access partner, please check your app_id and secret.");
    }
    if (body.grant_type !== "refresh_token" || !refreshTokens.has(String(body.refresh_token))) {
      return envelope(40104, "The refresh token is invalid or expired.");
    }
    issued++;
    const token = `act.fresh-${issued}`;
    accessTokens.add(token);
    return envelope(0, "OK", {
      access_token: token,
      access_token_expire_in: 86_400,
      refresh_token: String(body.refresh_token),
      refresh_token_expire_in: 31_536_000,
    });
  }

  function report(account: FakeAccount, q: URLSearchParams): FakeReply {
    const dimensions = parseJsonParam(q.get("dimensions"));
    const metrics = parseJsonParam(q.get("metrics"));
    if (!Array.isArray(dimensions) || !Array.isArray(metrics)) {
      return envelope(40002, "dimensions/metrics: Field must be a JSON-encoded array.");
    }
    if (q.get("report_type") !== "BASIC") return envelope(40002, "report_type: must be BASIC in this fake.");
    const levels: Record<string, [FakeLevel, string]> = {
      AUCTION_CAMPAIGN: ["campaign", "campaign_id"],
      AUCTION_ADGROUP: ["ad_group", "adgroup_id"],
      AUCTION_AD: ["ad", "ad_id"],
    };
    const level = levels[q.get("data_level") ?? ""];
    if (!level) return envelope(40002, "data_level: unsupported value.");
    if (!dimensions.includes(level[1]))
      return envelope(40002, `dimensions: ${level[1]} is required for ${q.get("data_level")}.`);
    const hourly = dimensions.includes("stat_time_hour");
    const from = q.get("start_date") ?? "";
    const to = q.get("end_date") ?? "";
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (!(days >= 1)) return envelope(40002, "start_date/end_date: invalid date range.");
    if (days > (hourly ? 1 : (options.maxReportDays ?? 30))) {
      return envelope(
        40002,
        `The time range of stat_time_day cannot exceed ${options.maxReportDays ?? 30} days.`,
      );
    }
    const cur = account.currency;
    const rows = aggregate(account, level[0], from, to, hourly).map((r) => {
      const t = r.totals;
      const spend = minorToDecimal(t.costMinor, cur);
      const all: Record<string, string> = {
        spend,
        impressions: String(t.impressions),
        clicks: String(t.clicks),
        conversion: String(t.conversions),
        cost_per_conversion:
          t.conversions > 0 ? (t.costMinor / t.conversions / 10 ** currencyExponent(cur)).toFixed(2) : "-",
        total_complete_payment_rate: t.conversions > 0 ? minorToDecimal(t.revenueMinor, cur) : "-",
        complete_payment_roas: t.costMinor > 0 ? (t.revenueMinor / t.costMinor).toFixed(2) : "-",
      };
      const time = hourly ? `${r.date} ${String(r.hour).padStart(2, "0")}:00:00` : `${r.date} 00:00:00`;
      return {
        dimensions: { [level[1]]: r.entityId, [hourly ? "stat_time_hour" : "stat_time_day"]: time },
        metrics: Object.fromEntries((metrics as string[]).map((m) => [m, all[m] ?? "-"])),
      };
    });
    return paged(rows, q);
  }

  function paged(
    all: Record<string, unknown>[],
    q: URLSearchParams,
    keep?: (row: Record<string, unknown>) => boolean,
  ): FakeReply {
    const rows = keep ? all.filter(keep) : all;
    const page = Number(q.get("page") ?? 1);
    const size = Number(q.get("page_size") ?? 10);
    if (!(size >= 1 && size <= 1000)) return envelope(40002, "page_size: Must be between 1 and 1000.");
    return envelope(0, "OK", {
      list: rows.slice((page - 1) * size, page * size),
      page_info: {
        page,
        page_size: size,
        total_number: rows.length,
        total_page: Math.ceil(rows.length / size),
      },
    });
  }

  function setBudget(
    account: FakeAccount,
    level: "campaign" | "ad_group",
    id: string,
    budget: unknown,
  ): FakeReply {
    const entity =
      level === "campaign"
        ? account.campaigns.find((c) => c.id === id)
        : account.adGroups.find((g) => g.id === id);
    if (!entity)
      return envelope(40002, `${level === "campaign" ? "campaign_id" : "adgroup_id"}: ${id} does not exist.`);
    if (typeof budget !== "number") return envelope(40002, "budget: Not a valid number.");
    const minor = decimalToMinor(String(budget), account.currency)!;
    const minimum = (level === "campaign" ? 50 : 20) * 10 ** currencyExponent(account.currency);
    if (minor < minimum) {
      return envelope(
        40002,
        `The budget cannot be less than ${minorToDecimal(minimum, account.currency)} ${account.currency}.`,
      );
    }
    entity.dailyBudgetMinor = minor;
    return envelope(0, "OK", level === "campaign" ? { campaign_id: id } : {});
  }

  function setStatus(
    account: FakeAccount,
    level: "campaign" | "ad_group",
    ids: unknown,
    operation: unknown,
  ): FakeReply {
    if (!Array.isArray(ids) || !["ENABLE", "DISABLE", "DELETE"].includes(String(operation))) {
      return envelope(40002, "operation_status: must be ENABLE, DISABLE or DELETE.");
    }
    for (const id of ids) {
      const entity =
        level === "campaign"
          ? account.campaigns.find((c) => c.id === id)
          : account.adGroups.find((g) => g.id === id);
      if (!entity) return envelope(40002, `${id} does not exist.`);
      entity.status = operation === "ENABLE" ? "active" : operation === "DISABLE" ? "paused" : "removed";
    }
    return envelope(0, "OK", {
      [level === "campaign" ? "campaign_ids" : "adgroup_ids"]: ids,
      status: operation,
    });
  }

  const server = await startFake(handler, port);
  return Object.assign(server, { faults, accessTokens });
}

function parseJsonParam(text: string | null): unknown {
  try {
    return text === null ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function filterIds(q: URLSearchParams, key: string, id: string): boolean {
  const filtering = parseJsonParam(q.get("filtering")) as Record<string, unknown> | undefined;
  const ids = filtering?.[key];
  return !Array.isArray(ids) || ids.includes(id);
}

function major(minor: number, currency: string): number {
  return Number(minorToDecimal(minor, currency));
}
