// Just enough GAQL for the Google Ads fake: SELECT list, FROM resource, WHERE with BETWEEN / = / !=
// joined by AND, ORDER BY ignored. Unknown fields are reported like the real API does.

export const RESOURCES = ["customer", "campaign", "ad_group", "ad_group_ad"] as const;
export type GaqlResource = (typeof RESOURCES)[number];

/** Fields each FROM resource may select (attributed resources included). */
export const SELECTABLE: Record<GaqlResource, string[]> = {
  customer: [
    "customer.id",
    "customer.descriptive_name",
    "customer.currency_code",
    "customer.time_zone",
    "customer.manager",
  ],
  campaign: [
    "campaign.id",
    "campaign.name",
    "campaign.status",
    "campaign.campaign_budget",
    "campaign.advertising_channel_type",
    "campaign_budget.id",
    "campaign_budget.amount_micros",
    "campaign_budget.explicitly_shared",
    "campaign_budget.reference_count",
  ],
  ad_group: [
    "ad_group.id",
    "ad_group.name",
    "ad_group.status",
    "ad_group.cpc_bid_micros",
    "ad_group.campaign",
    "campaign.id",
  ],
  ad_group_ad: [
    "ad_group_ad.ad.id",
    "ad_group_ad.ad.name",
    "ad_group_ad.status",
    "ad_group_ad.ad_group",
    "ad_group.id",
    "campaign.id",
  ],
};
export const SEGMENTS = ["segments.date", "segments.hour"];
export const METRICS = [
  "metrics.impressions",
  "metrics.clicks",
  "metrics.cost_micros",
  "metrics.conversions",
  "metrics.conversions_value",
];

export interface GaqlCondition {
  field: string;
  op: "=" | "!=" | "BETWEEN";
  values: string[];
}

export interface GaqlQuery {
  fields: string[];
  from: GaqlResource;
  where: GaqlCondition[];
}

export class GaqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly trigger?: string,
  ) {
    super(message);
  }
}

const QUERY =
  /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+.+?)?(?:\s+LIMIT\s+\d+)?\s*$/is;

export function parseGaql(text: string): GaqlQuery {
  const match = QUERY.exec(text);
  if (!match) throw new GaqlError("UNEXPECTED_END_OF_QUERY", "Error in query: unexpected input.");
  const from = match[2].toLowerCase() as GaqlResource;
  if (!RESOURCES.includes(from)) {
    throw new GaqlError(
      "INVALID_RESOURCE_NAME_IN_FROM_CLAUSE",
      `Invalid resource name in FROM clause: '${match[2]}'.`,
      match[2],
    );
  }
  const allowed = new Set([...SELECTABLE[from], ...(from === "customer" ? [] : [...SEGMENTS, ...METRICS])]);
  const fields = match[1].split(",").map((f) => f.trim());
  for (const field of fields) {
    if (!allowed.has(field))
      throw new GaqlError("UNRECOGNIZED_FIELD", `Unrecognized field in the query: '${field}'.`, field);
  }
  const where: GaqlCondition[] = [];
  if (match[3]) {
    for (const part of match[3].split(/\s+AND\s+/i)) {
      const between = /^\s*([\w.]+)\s+BETWEEN\s+'([^']+)'\s*$/i.exec(part);
      if (between) {
        where.push({ field: between[1], op: "BETWEEN", values: [between[2]] });
        continue;
      }
      const cmp = /^\s*([\w.]+)\s*(!=|=)\s*'?([^']*?)'?\s*$/.exec(part);
      if (!cmp) {
        const endOfBetween = /^\s*'([^']+)'\s*$/.exec(part);
        const last = where.at(-1);
        if (endOfBetween && last?.op === "BETWEEN" && last.values.length === 1) {
          last.values.push(endOfBetween[1]);
          continue;
        }
        throw new GaqlError(
          "UNEXPECTED_INPUT",
          `Error in query: unexpected input ${part.trim()}.`,
          part.trim(),
        );
      }
      if (!allowed.has(cmp[1]))
        throw new GaqlError("UNRECOGNIZED_FIELD", `Unrecognized field in the query: '${cmp[1]}'.`, cmp[1]);
      where.push({ field: cmp[1], op: cmp[2] as "=" | "!=", values: [cmp[3]] });
    }
  }
  return { fields, from, where };
}

/** "campaign_budget.amount_micros" -> ["campaignBudget", "amountMicros"] */
export function jsonPath(field: string): string[] {
  return field.split(".").map((p) => p.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
}
