// A local fake of the LinkedIn Marketing API (versioned /rest, platform-apis.md §4): LinkedIn-Version
// (426 for a sunset one) and X-Restli-Protocol-Version headers, Rest.li query syntax, money as decimal
// strings with long fractions, PARTIAL_UPDATE answering 204, and LinkedIn's error envelope.
import { decimalToMinor, minorToDecimal } from "../../../src/domain/money.js";
import {
  type FakeReply,
  type FakeRequest,
  FaultQueue,
  header,
  type RunningFake,
  startFake,
} from "../http.js";
import { aggregate, type FakeAccount, type FakeStatus } from "../world.js";

export interface LinkedInFakeOptions {
  accounts: FakeAccount[];
  activeVersions?: string[];
  sunsetVersions?: string[];
  accessTokens?: string[];
  expiredTokens?: string[];
  refreshTokens?: string[];
  forbiddenAccounts?: string[];
  /** Largest `count` a list answers with. */
  maxCount?: number;
}

export interface LinkedInFake extends RunningFake {
  faults: FaultQueue;
}

export function linkedinError(
  status: number,
  serviceErrorCode: number,
  code: string,
  message: string,
): FakeReply {
  return { status, body: { status, serviceErrorCode, code, message } };
}

const STATUS: Record<FakeStatus, string> = { active: "ACTIVE", paused: "PAUSED", removed: "ARCHIVED" };

export async function startLinkedInFake(options: LinkedInFakeOptions, port = 0): Promise<LinkedInFake> {
  const faults = new FaultQueue();
  const active = new Set(options.activeVersions ?? ["202607", "202610"]);
  const sunset = new Set(options.sunsetVersions ?? ["202401"]);
  const accessTokens = new Set(options.accessTokens ?? ["AQV-valid"]);
  const expired = new Set(options.expiredTokens ?? []);
  const refreshTokens = new Set(options.refreshTokens ?? ["AQX-refresh"]);
  let issued = 0;

  const handler = (req: FakeRequest): FakeReply => {
    if (req.path === "/oauth/v2/accessToken") return refresh(req);
    if (!req.path.startsWith("/rest/"))
      return linkedinError(404, 0, "NOT_FOUND", `No resource at ${req.path}`);
    const version = header(req, "linkedin-version");
    if (!version)
      return linkedinError(
        400,
        0,
        "VERSION_MISSING",
        "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
      );
    if (sunset.has(version))
      return linkedinError(426, 0, "NONEXISTENT_VERSION", `Requested version ${version} is not active`);
    if (!active.has(version))
      return linkedinError(400, 0, "NONEXISTENT_VERSION", `Requested version ${version} is not active`);
    if (header(req, "x-restli-protocol-version") !== "2.0.0") {
      return linkedinError(
        400,
        0,
        "INVALID_PROTOCOL",
        "X-Restli-Protocol-Version 2.0.0 is required for this resource",
      );
    }
    const token = /^Bearer (.+)$/.exec(header(req, "authorization") ?? "")?.[1] ?? "";
    if (expired.has(token))
      return linkedinError(401, 65602, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired");
    if (!accessTokens.has(token))
      return linkedinError(401, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token");
    const fault = faults.take(req);
    if (fault) return fault;
    const rest = req.path.slice("/rest/".length);
    const q = req.query;
    if (rest === "adAccounts" && q.get("q") === "search") {
      return list(
        options.accounts.map((a) => ({
          id: Number(a.id),
          name: a.name,
          currency: a.currency,
          status: "ACTIVE",
          type: "BUSINESS",
        })),
        q,
      );
    }
    if (rest === "adAnalytics") return analytics(req);
    const campaigns = /^adAccounts\/(\d+)\/adCampaigns(?:\/(\d+))?$/.exec(rest);
    if (campaigns) {
      const account = options.accounts.find((a) => a.id === campaigns[1]);
      if (!account || options.forbiddenAccounts?.includes(campaigns[1])) {
        return linkedinError(
          403,
          100,
          "ACCESS_DENIED",
          `Not enough permissions to access: adCampaigns.FINDER-search.${"20260701"}`,
        );
      }
      if (!campaigns[2]) {
        if (q.get("q") !== "search") return linkedinError(400, 0, "ILLEGAL_ARGUMENT", "q=search is required");
        return list(
          account.campaigns.map((c) => campaignJson(account, c.id)),
          q,
        );
      }
      const campaign = account.campaigns.find((c) => c.id === campaigns[2]);
      if (!campaign) return linkedinError(404, 0, "NOT_FOUND", `Campaign ${campaigns[2]} does not exist`);
      if (req.method === "GET") return { body: campaignJson(account, campaign.id) };
      if (header(req, "x-restli-method") !== "PARTIAL_UPDATE") {
        return linkedinError(
          400,
          0,
          "ILLEGAL_ARGUMENT",
          "X-RestLi-Method: PARTIAL_UPDATE is required to update a campaign",
        );
      }
      const set = (JSON.parse(req.body || "{}") as { patch?: { $set?: Record<string, unknown> } }).patch
        ?.$set;
      if (!set) return linkedinError(400, 0, "ILLEGAL_ARGUMENT", "patch.$set is required");
      const budget = set.dailyBudget as { amount?: string; currencyCode?: string } | undefined;
      if (budget) {
        if (budget.currencyCode !== account.currency) {
          return linkedinError(
            422,
            0,
            "UNPROCESSABLE_ENTITY",
            `dailyBudget.currencyCode must be the account currency ${account.currency}`,
          );
        }
        const minor = decimalToMinor(String(budget.amount), account.currency);
        if (minor === undefined || Number(budget.amount) < 10) {
          return linkedinError(
            422,
            0,
            "UNPROCESSABLE_ENTITY",
            `dailyBudget.amount must be at least 10.00 ${account.currency}`,
          );
        }
        campaign.dailyBudgetMinor = minor;
      }
      if (set.status !== undefined) {
        if (set.status !== "ACTIVE" && set.status !== "PAUSED")
          return linkedinError(422, 0, "UNPROCESSABLE_ENTITY", "invalid status");
        campaign.status = set.status === "ACTIVE" ? "active" : "paused";
      }
      return { status: 204 };
    }
    return linkedinError(404, 0, "NOT_FOUND", `No resource at /rest/${rest}`);
  };

  function campaignJson(account: FakeAccount, id: string) {
    const c = account.campaigns.find((x) => x.id === id)!;
    return {
      id: Number(c.id),
      name: c.name,
      status: STATUS[c.status],
      account: `urn:li:sponsoredAccount:${account.id}`,
      campaignGroup: `urn:li:sponsoredCampaignGroup:7`,
      ...(c.dailyBudgetMinor === null
        ? {}
        : {
            dailyBudget: {
              amount: minorToDecimal(c.dailyBudgetMinor, account.currency),
              currencyCode: account.currency,
            },
          }),
      costType: "CPC",
    };
  }

  function list(elements: unknown[], q: URLSearchParams): FakeReply {
    const start = Number(q.get("start") ?? 0);
    const count = Math.min(Number(q.get("count") ?? 10), options.maxCount ?? 1000);
    return {
      body: {
        paging: { start, count, total: elements.length, links: [] },
        elements: elements.slice(start, start + count),
      },
    };
  }

  function analytics(req: FakeRequest): FakeReply {
    // Rest.li values are read from the raw query: parentheses and colons are not percent-encoded
    const raw = Object.fromEntries(req.rawQuery.split("&").map((p) => p.split("=", 2) as [string, string]));
    if (raw.q !== "analytics") return linkedinError(400, 0, "ILLEGAL_ARGUMENT", "q=analytics is required");
    if (raw.pivot !== "CAMPAIGN")
      return linkedinError(400, 0, "ILLEGAL_ARGUMENT", "this fake supports pivot=CAMPAIGN");
    if (raw.timeGranularity !== "DAILY")
      return linkedinError(400, 0, "ILLEGAL_ARGUMENT", "this fake supports timeGranularity=DAILY");
    const range =
      /^\(start:\(year:(\d+),month:(\d+),day:(\d+)\),end:\(year:(\d+),month:(\d+),day:(\d+)\)\)$/.exec(
        raw.dateRange ?? "",
      );
    if (!range) return linkedinError(400, 0, "ILLEGAL_ARGUMENT", `Invalid dateRange ${raw.dateRange}`);
    const iso = (y: string, m: string, d: string) => `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
    const from = iso(range[1], range[2], range[3]);
    const to = iso(range[4], range[5], range[6]);
    const accounts = /^List\((.+)\)$/.exec(raw.accounts ?? "")?.[1]?.split(",") ?? [];
    if (accounts.length === 0 || accounts.some((a) => !a.startsWith("urn%3Ali%3AsponsoredAccount%3A"))) {
      return linkedinError(
        400,
        0,
        "ILLEGAL_ARGUMENT",
        "accounts must be List(<url-encoded sponsoredAccount URNs>)",
      );
    }
    const fields = decodeURIComponent(raw.fields ?? "").split(",");
    const elements: unknown[] = [];
    for (const urn of accounts) {
      const id = decodeURIComponent(urn).split(":").at(-1)!;
      const account = options.accounts.find((a) => a.id === id);
      if (!account || options.forbiddenAccounts?.includes(id)) {
        return linkedinError(
          403,
          100,
          "ACCESS_DENIED",
          "Not enough permissions to access: adAnalytics.FINDER-analytics",
        );
      }
      for (const r of aggregate(account, "campaign", from, to, false)) {
        const [y, m, d] = r.date.split("-").map(Number);
        const all: Record<string, unknown> = {
          dateRange: { start: { year: y, month: m, day: d }, end: { year: y, month: m, day: d } },
          pivotValues: [`urn:li:sponsoredCampaign:${r.entityId}`],
          impressions: r.totals.impressions,
          clicks: r.totals.clicks,
          // real answers carry binary-float noise far past the minor unit
          costInLocalCurrency: noisy(minorToDecimal(r.totals.costMinor, account.currency)),
          costInUsd: minorToDecimal(r.totals.costMinor, account.currency),
          externalWebsiteConversions: r.totals.conversions,
          conversionValueInLocalCurrency: minorToDecimal(r.totals.revenueMinor, account.currency),
          oneClickLeads: 0,
        };
        elements.push(Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])));
      }
    }
    return { body: { paging: { start: 0, count: 10, links: [] }, elements } };
  }

  function refresh(req: FakeRequest): FakeReply {
    const form = new URLSearchParams(req.body);
    if (form.get("grant_type") !== "refresh_token" || !refreshTokens.has(form.get("refresh_token") ?? "")) {
      return {
        status: 400,
        body: {
          error: "invalid_request",
          error_description: "The provided refresh token is invalid or expired",
        },
      };
    }
    issued++;
    const token = `AQV-fresh-${issued}`;
    accessTokens.add(token);
    return {
      body: {
        access_token: token,
        expires_in: 5183999,
        refresh_token: form.get("refresh_token"),
        refresh_token_expires_in: 31103999,
      },
    };
  }

  const server = await startFake(handler, port);
  return Object.assign(server, { faults });
}

/** "107.53" -> "107.5300000000000335346"-like text, as real answers carry float noise. */
function noisy(decimal: string): string {
  return decimal.includes(".") ? `${decimal}00000000000341061` : `${decimal}.0000000000000341061`;
}
