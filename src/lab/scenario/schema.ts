import { z } from "zod";

/**
 * Scenario files (YAML or JSON) describe one simulated market: who the users are, which channels
 * and auctions exist, our campaigns, the competitors, conversion lags, CRM pipeline and faults.
 * Money is written in major units of `currency` (e.g. 1.25 USD) and converted to integer minor units
 * when the world is compiled. Unknown keys are errors, so typos never pass silently.
 */
const positive = z.number().positive();
const probability = z.number().min(0).max(1);
const nonNegative = z.number().min(0);
const monthDay = z.string().regex(/^\d{2}-\d{2}$/, "expected MM-DD, e.g. 11-15");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

export const STAGES = ["UNAWARE", "AWARE", "CONSIDERING", "INTENT", "CONVERTED"] as const;
export const AUCTION_TYPES = ["second_price", "first_price", "gsp"] as const;
export const COMPETITOR_KINDS = ["rule", "q_learning", "policy_gradient"] as const;
export const FAULT_KINDS = [
  "errors",
  "rate_limit",
  "latency",
  "missing_days",
  "partial_data",
  "wrong_ids",
  "stuck_pacing",
] as const;

const fourStages = z.array(nonNegative).length(4, "expected 4 numbers: UNAWARE, AWARE, CONSIDERING, INTENT");

const segment = z.strictObject({
  name: z.string().min(1),
  share: positive,
  /** Sampling share under importance sampling (defaults to share); outcomes are reweighted by share/sampleShare. */
  sampleShare: positive.optional(),
  opportunitiesMultiplier: positive.default(1),
  ctrMultiplier: positive.default(1),
  /** Probability that a click converts (before stage and channel multipliers). */
  cvr: probability,
  /** Share of click conversions that would have happened without the ad (not incremental). */
  baselineShare: probability.default(0.3),
  responsiveness: nonNegative.default(1),
  organic: z
    .strictObject({ advance: probability.default(0.01), convert: probability.default(0.005) })
    .default({ advance: 0.01, convert: 0.005 }),
  orderValue: z.strictObject({ mean: positive, sigma: nonNegative.default(0.4) }),
  channelMix: z.record(z.string(), nonNegative),
  /** Creative DNA multipliers on CTR, e.g. { emotion: { fear: 1.4 } }. */
  affinity: z.record(z.string(), z.record(z.string(), positive)).default({}),
});

const channel = z.strictObject({
  name: z.string().min(1),
  auction: z.enum(AUCTION_TYPES).default("second_price"),
  billing: z.enum(["cpc", "cpm"]).default("cpm"),
  slots: z.number().int().min(1).max(8).default(1),
  positionCtr: z.array(probability).optional(),
  /** Reserve price: per click for cpc billing, per 1000 impressions for cpm. */
  reserve: nonNegative.default(0),
  baseCtr: probability,
  cvrMultiplier: positive.default(1),
  impressionAdvance: fourStages.default([0.02, 0.02, 0.015, 0]),
  clickWindowDays: z.number().int().min(0).max(90).default(7),
  /** Hours before a row is visible in reports (data freshness). */
  reportingLagHours: z.number().int().min(0).max(72).default(3),
});

const dna = z.strictObject({
  hook: z.string().default("statement"),
  visual: z.string().default("static"),
  emotion: z.string().default("neutral"),
  cta: z.string().default("learn_more"),
});

const ad = z.strictObject({
  name: z.string().min(1),
  dna: dna.default({} as never),
  paused: z.boolean().default(false),
});

const adGroup = z.strictObject({
  name: z.string().min(1),
  dailyBudget: nonNegative,
  /** Per click for cpc channels, per 1000 impressions for cpm channels. */
  bid: positive,
  paused: z.boolean().default(false),
  ads: z.array(ad).min(1),
});

const campaign = z.strictObject({
  name: z.string().min(1),
  channel: z.string().min(1),
  adGroups: z.array(adGroup).min(1),
});

const competitor = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(COMPETITOR_KINDS),
  channels: z.array(z.string()).min(1),
  dailyBudget: positive,
  /** Opening bid, effective cost per 1000 impressions. */
  bidCpm: positive,
  /** What an impression is worth to them, per 1000: the learning competitors maximise value - cost. */
  valueCpm: positive,
  quality: positive.default(1),
  participation: probability.default(0.8),
  /** Log-normal bid noise (sigma). */
  noise: nonNegative.default(0.25),
  learningRate: positive.default(0.1),
});

const delayComponent = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("exponential"), weight: positive, meanHours: positive }),
  z.strictObject({ kind: z.literal("weibull"), weight: positive, shape: positive, scaleHours: positive }),
]);

const crmStage = z.strictObject({
  name: z.string().min(1),
  probability,
  delayDays: z.strictObject({ min: nonNegative, max: nonNegative }),
});

const fault = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  /** Local dates, inclusive; omitted = always. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** Share of calls (errors, rate_limit), rows (partial_data, wrong_ids) affected. */
  rate: probability.default(1),
  latencyMs: nonNegative.default(0),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "lowercase letters, digits, - and _"),
    description: z.string().default(""),
    currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217 code such as USD or AED"),
    timeZone: z.string().default("UTC"),
    startDate: isoDate.default("2025-01-06"),
    population: z.strictObject({
      users: z.number().int().positive(),
      opportunitiesPerDay: positive,
      journeyTimeoutDays: z.number().int().positive().default(14),
      /** Days after a purchase when a customer is back in the market; omitted = one purchase per user. */
      repurchaseDays: z.number().int().positive().optional(),
      devicesPerUser: z.number().min(1).max(4).default(1.6),
      loginRate: probability.default(0.4),
    }),
    time: z
      .strictObject({
        hourProfile: z.array(nonNegative).length(24, "expected 24 hourly weights").optional(),
        dayOfWeek: z.array(nonNegative).length(7, "expected 7 weights, Monday first").optional(),
        seasons: z
          .array(z.strictObject({ name: z.string(), from: monthDay, to: monthDay, multiplier: positive }))
          .default([]),
      })
      .default({ seasons: [] }),
    journey: z
      .strictObject({
        stageCtr: fourStages.default([0.6, 1, 1.3, 1.6]),
        stageCvr: fourStages.default([0.1, 0.4, 1, 2]),
        /** CTR multiplier for customers who already converted (ads still reach them, and cost money). */
        convertedCtr: nonNegative.default(0.5),
      })
      .default({ stageCtr: [0.6, 1, 1.3, 1.6], stageCvr: [0.1, 0.4, 1, 2], convertedCtr: 0.5 }),
    fatigue: z
      .strictObject({
        /** CTR divided by (1 + perExposure * recent exposures of this user). */
        perExposure: nonNegative.default(0.12),
        /** Daily decay of the user's recent-exposure count. */
        dailyDecay: probability.default(0.7),
        /** Total impressions after which a creative's CTR has halved (per 10,000 simulated users). */
        creativeHalfLife: positive.default(400000),
      })
      .default({ perExposure: 0.12, dailyDecay: 0.7, creativeHalfLife: 400000 }),
    conversionDelay: z.array(delayComponent).min(1),
    crm: z
      .strictObject({
        stages: z.array(crmStage).min(1),
        closedValue: z.strictObject({ mean: positive, sigma: nonNegative }),
      })
      .optional(),
    pacing: z
      .strictObject({ mode: z.enum(["throttle"]).default("throttle"), initialRate: probability.default(0.1) })
      .default({ mode: "throttle", initialRate: 0.1 }),
    segments: z.array(segment).min(1).max(32),
    channels: z.array(channel).min(1).max(8),
    campaigns: z.array(campaign).min(1),
    competitors: z.array(competitor).max(32).default([]),
    faults: z.array(fault).default([]),
  })
  .superRefine((s, ctx) => {
    const channels = new Set(s.channels.map((c) => c.name));
    const allowed = [...channels].join(", ");
    if (channels.size !== s.channels.length)
      ctx.addIssue({ code: "custom", path: ["channels"], message: "channel names must be unique" });
    s.segments.forEach((seg, i) => {
      for (const key of Object.keys(seg.channelMix)) {
        if (!channels.has(key))
          ctx.addIssue({
            code: "custom",
            path: ["segments", i, "channelMix", key],
            message: `unknown channel "${key}"; allowed: ${allowed}`,
          });
      }
      if (Object.values(seg.channelMix).every((v) => v === 0))
        ctx.addIssue({
          code: "custom",
          path: ["segments", i, "channelMix"],
          message: "needs at least one channel with weight > 0",
        });
    });
    s.campaigns.forEach((c, i) => {
      if (!channels.has(c.channel))
        ctx.addIssue({
          code: "custom",
          path: ["campaigns", i, "channel"],
          message: `unknown channel "${c.channel}"; allowed: ${allowed}`,
        });
    });
    s.competitors.forEach((c, i) => {
      c.channels.forEach((name, j) => {
        if (!channels.has(name))
          ctx.addIssue({
            code: "custom",
            path: ["competitors", i, "channels", j],
            message: `unknown channel "${name}"; allowed: ${allowed}`,
          });
      });
    });
    s.channels.forEach((c, i) => {
      if (c.positionCtr && c.positionCtr.length !== c.slots)
        ctx.addIssue({
          code: "custom",
          path: ["channels", i, "positionCtr"],
          message: `expected ${c.slots} numbers (one per slot)`,
        });
    });
    s.crm?.stages.forEach((st, i) => {
      if (st.delayDays.max < st.delayDays.min)
        ctx.addIssue({
          code: "custom",
          path: ["crm", "stages", i, "delayDays"],
          message: "max must be >= min",
        });
    });
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type SegmentSpec = Scenario["segments"][number];
export type ChannelSpec = Scenario["channels"][number];
export type CompetitorSpec = Scenario["competitors"][number];
export type FaultSpec = Scenario["faults"][number];
export type FaultKind = (typeof FAULT_KINDS)[number];
