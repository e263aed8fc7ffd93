import { currencyExponent } from "../../domain/currency.js";
import { normalQuantile } from "../rng.js";
import type { Scenario } from "../scenario/schema.js";
import { dateOfDay, inSeason, weekdayOfDay } from "./calendar.js";

/**
 * A scenario turned into flat numeric tables for the hot loop. Money: bids, prices and spend are
 * integer "milli-minor" units (1/1000 of a minor unit, so a $5 CPM is 500 milli-cents per
 * impression); revenue is integer minor units. Ids: ad index a, ad group g, campaign p, channel c,
 * segment s, competitor k.
 */
export interface CompiledWorld {
  scenario: Scenario;
  users: number;
  importanceSampling: boolean;
  /** users / scenario.population.users: budgets scale with the population. */
  scale: number;
  minorPerMajor: number;
  S: number;
  C: number;
  P: number;
  G: number;
  A: number;
  K: number;
  segSampleCdf: Float64Array;
  /** Importance weight of a user of segment s: share / sampleShare. */
  segWeight: Float64Array;
  segLambda: Float64Array;
  segCvr: Float64Array;
  segBaseline: Float64Array;
  segResponsive: Float64Array;
  segOrgAdvance: Float64Array;
  segOrgConvert: Float64Array;
  segOrderMu: Float64Array;
  segOrderSigma: Float64Array;
  /** 256 entries per segment: channel of an opportunity by the top byte of a random word. */
  segChannelTable: Uint8Array;
  /** 1024 entries: hour of an opportunity. */
  hourTable: Uint8Array;
  hourShare: Float64Array;
  stageCtr: Float64Array;
  stageCvr: Float64Array;
  chanAuction: Uint8Array; // 0 second, 1 first, 2 gsp
  chanCpc: Uint8Array;
  chanSlots: Uint8Array;
  chanPosCtr: Float64Array; // C * 8
  chanReserveMilli: Float64Array;
  /** Reserve as a price per impression, what competitors (bidding per impression) face. */
  chanCompReserveMilli: Float64Array;
  chanCvrMult: Float64Array;
  chanImpAdvance: Float64Array; // C * 4
  chanClickWindowHours: Int32Array;
  chanReportLag: Int32Array;
  chanNames: string[];
  campaignChannel: Uint8Array;
  campaignNames: string[];
  groupCampaign: Int32Array;
  groupChannel: Uint8Array;
  groupBudgetMilli: Float64Array;
  groupBidMilli: Float64Array;
  groupPaused: Uint8Array;
  groupNames: string[];
  adGroup: Int32Array;
  adPaused: Uint8Array;
  adNames: string[];
  /** Base CTR of ad a for segment s (channel CTR x segment x DNA affinities): A * S. */
  adSegCtr: Float64Array;
  adDna: { hook: string; visual: string; emotion: string; cta: string }[];
  chanGroupStart: Int32Array; // C + 1
  chanGroupList: Int32Array;
  compChannelStart: Int32Array;
  compChannelList: Int32Array;
  compBudgetMilli: Float64Array;
  compBidMilli: Float64Array;
  compValueMilli: Float64Array;
  compQuality: Float64Array;
  compParticipation: Float64Array;
  compKind: Uint8Array; // 0 rule, 1 q, 2 pg
  compLearningRate: Float64Array;
  /** 256 log-normal bid noise multipliers per competitor. */
  compNoise: Float64Array;
  compNames: string[];
  delayWeightCdf: Float64Array;
  delayKind: Uint8Array; // 0 exp, 1 weibull
  delayA: Float64Array; // mean or scale (hours)
  delayB: Float64Array; // weibull shape
  fatiguePerExposure: number;
  fatigueDailyDecay: number;
  creativeHalfLife: number;
  timeoutDays: number;
  repurchaseDays: number;
  devicesPerUser: number;
  loginRate: number;
  pacingInitialRate: number;
}

export interface CompileOptions {
  users?: number;
  /** Sample segments by their sampleShare and weight outcomes back (default false: sample by share). */
  importanceSampling?: boolean;
}

export function compileScenario(scenario: Scenario, options: CompileOptions = {}): CompiledWorld {
  const users = options.users ?? scenario.population.users;
  const scale = users / scenario.population.users;
  const minorPerMajor = 10 ** currencyExponent(scenario.currency);
  const toMilli = (major: number) => Math.round(major * minorPerMajor * 1000);
  const S = scenario.segments.length;
  const C = scenario.channels.length;
  const chanIndex = new Map(scenario.channels.map((c, i) => [c.name, i]));

  const shareSum = sum(scenario.segments.map((s) => s.share));
  const sampleShare = (s: Scenario["segments"][number]) =>
    options.importanceSampling ? (s.sampleShare ?? s.share) : s.share;
  const sampleSum = sum(scenario.segments.map(sampleShare));
  const segSampleCdf = new Float64Array(S);
  const segWeight = new Float64Array(S);
  let acc = 0;
  scenario.segments.forEach((s, i) => {
    const q = sampleShare(s) / sampleSum;
    acc += q;
    segSampleCdf[i] = i === S - 1 ? 1 : acc;
    segWeight[i] = s.share / shareSum / q;
  });

  const segChannelTable = new Uint8Array(256 * S);
  scenario.segments.forEach((seg, s) => {
    const weights = scenario.channels.map((c) => seg.channelMix[c.name] ?? 0);
    fillTable(segChannelTable.subarray(256 * s, 256 * (s + 1)), weights);
  });
  const hourWeights = scenario.time.hourProfile ?? DEFAULT_HOUR_PROFILE;
  const hourTable = new Uint8Array(1024);
  fillTable(hourTable, hourWeights);
  const hourShare = new Float64Array(24);
  for (let i = 0; i < 1024; i++) hourShare[hourTable[i]!]! += 1 / 1024;

  const chanPosCtr = new Float64Array(C * 8);
  const chanImpAdvance = new Float64Array(C * 4);
  scenario.channels.forEach((c, i) => {
    const pos = c.positionCtr ?? Array.from({ length: c.slots }, (_, k) => 0.7 ** k);
    pos.forEach((v, k) => {
      chanPosCtr[i * 8 + k] = v;
    });
    c.impressionAdvance.forEach((v, k) => {
      chanImpAdvance[i * 4 + k] = v;
    });
  });

  const campaignChannel = new Uint8Array(scenario.campaigns.length);
  const groups: {
    campaign: number;
    channel: number;
    spec: Scenario["campaigns"][number]["adGroups"][number];
  }[] = [];
  scenario.campaigns.forEach((camp, p) => {
    const c = chanIndex.get(camp.channel)!;
    campaignChannel[p] = c;
    for (const g of camp.adGroups) groups.push({ campaign: p, channel: c, spec: g });
  });
  const G = groups.length;
  const ads: { group: number; spec: Scenario["campaigns"][number]["adGroups"][number]["ads"][number] }[] = [];
  groups.forEach((g, gi) => {
    for (const a of g.spec.ads) ads.push({ group: gi, spec: a });
  });
  const A = ads.length;
  const adSegCtr = new Float64Array(A * S);
  ads.forEach((a, ai) => {
    const ch = scenario.channels[groups[a.group]!.channel]!;
    scenario.segments.forEach((seg, s) => {
      let m = ch.baseCtr * seg.ctrMultiplier;
      for (const [attr, value] of Object.entries(a.spec.dna)) m *= seg.affinity[attr]?.[value] ?? 1;
      adSegCtr[ai * S + s] = Math.min(m, 0.95);
    });
  });
  const chanGroupStart = new Int32Array(C + 1);
  const chanGroupList = new Int32Array(G);
  {
    let n = 0;
    for (let c = 0; c < C; c++) {
      chanGroupStart[c] = n;
      groups.forEach((g, gi) => {
        if (g.channel === c) chanGroupList[n++] = gi;
      });
    }
    chanGroupStart[C] = n;
  }

  const comps = scenario.competitors;
  const K = comps.length;
  const compChannelStart = new Int32Array(C + 1);
  const list: number[] = [];
  for (let c = 0; c < C; c++) {
    compChannelStart[c] = list.length;
    comps.forEach((k, ki) => {
      if (k.channels.includes(scenario.channels[c]!.name)) list.push(ki);
    });
  }
  compChannelStart[C] = list.length;
  const compNoise = new Float64Array(256 * Math.max(K, 1));
  comps.forEach((k, ki) => {
    for (let i = 0; i < 256; i++)
      compNoise[ki * 256 + i] = Math.exp(k.noise * normalQuantile((i + 0.5) / 256));
  });

  const delays = scenario.conversionDelay;
  const wsum = sum(delays.map((d) => d.weight));
  const delayWeightCdf = new Float64Array(delays.length);
  let dacc = 0;
  delays.forEach((d, i) => {
    dacc += d.weight / wsum;
    delayWeightCdf[i] = i === delays.length - 1 ? 1 : dacc;
  });

  return {
    scenario,
    users,
    importanceSampling: options.importanceSampling ?? false,
    scale,
    minorPerMajor,
    S,
    C,
    P: scenario.campaigns.length,
    G,
    A,
    K,
    segSampleCdf,
    segWeight,
    segLambda: f64(
      scenario.segments.map((s) => scenario.population.opportunitiesPerDay * s.opportunitiesMultiplier),
    ),
    segCvr: f64(scenario.segments.map((s) => s.cvr)),
    segBaseline: f64(scenario.segments.map((s) => s.baselineShare)),
    segResponsive: f64(scenario.segments.map((s) => s.responsiveness)),
    segOrgAdvance: f64(scenario.segments.map((s) => s.organic.advance)),
    segOrgConvert: f64(scenario.segments.map((s) => s.organic.convert)),
    segOrderMu: f64(
      scenario.segments.map((s) => Math.log(s.orderValue.mean * minorPerMajor) - s.orderValue.sigma ** 2 / 2),
    ),
    segOrderSigma: f64(scenario.segments.map((s) => s.orderValue.sigma)),
    segChannelTable,
    hourTable,
    hourShare,
    stageCtr: f64([...scenario.journey.stageCtr, scenario.journey.convertedCtr]),
    stageCvr: f64(scenario.journey.stageCvr),
    chanAuction: Uint8Array.from(
      scenario.channels.map((c) => ["second_price", "first_price", "gsp"].indexOf(c.auction)),
    ),
    chanCpc: Uint8Array.from(scenario.channels.map((c) => (c.billing === "cpc" ? 1 : 0))),
    chanSlots: Uint8Array.from(scenario.channels.map((c) => (c.auction === "gsp" ? c.slots : 1))),
    chanPosCtr,
    chanReserveMilli: f64(
      scenario.channels.map((c) => (c.billing === "cpc" ? toMilli(c.reserve) : toMilli(c.reserve) / 1000)),
    ),
    chanCompReserveMilli: f64(
      scenario.channels.map((c) =>
        c.billing === "cpc" ? toMilli(c.reserve) * c.baseCtr : toMilli(c.reserve) / 1000,
      ),
    ),
    chanCvrMult: f64(scenario.channels.map((c) => c.cvrMultiplier)),
    chanImpAdvance,
    chanClickWindowHours: Int32Array.from(scenario.channels.map((c) => c.clickWindowDays * 24)),
    chanReportLag: Int32Array.from(scenario.channels.map((c) => c.reportingLagHours)),
    chanNames: scenario.channels.map((c) => c.name),
    campaignChannel,
    campaignNames: scenario.campaigns.map((c) => c.name),
    groupCampaign: Int32Array.from(groups.map((g) => g.campaign)),
    groupChannel: Uint8Array.from(groups.map((g) => g.channel)),
    groupBudgetMilli: f64(groups.map((g) => Math.round(toMilli(g.spec.dailyBudget) * scale))),
    groupBidMilli: f64(
      groups.map((g) =>
        scenario.channels[g.channel]!.billing === "cpc" ? toMilli(g.spec.bid) : toMilli(g.spec.bid) / 1000,
      ),
    ),
    groupPaused: Uint8Array.from(groups.map((g) => (g.spec.paused ? 1 : 0))),
    groupNames: groups.map((g) => g.spec.name),
    adGroup: Int32Array.from(ads.map((a) => a.group)),
    adPaused: Uint8Array.from(ads.map((a) => (a.spec.paused ? 1 : 0))),
    adNames: ads.map((a) => a.spec.name),
    adSegCtr,
    adDna: ads.map((a) => ({ ...a.spec.dna })),
    chanGroupStart,
    chanGroupList,
    compChannelStart,
    compChannelList: Int32Array.from(list),
    compBudgetMilli: f64(comps.map((k) => Math.round(toMilli(k.dailyBudget) * scale))),
    compBidMilli: f64(comps.map((k) => toMilli(k.bidCpm) / 1000)),
    compValueMilli: f64(comps.map((k) => toMilli(k.valueCpm) / 1000)),
    compQuality: f64(comps.map((k) => k.quality)),
    compParticipation: f64(comps.map((k) => k.participation)),
    compKind: Uint8Array.from(comps.map((k) => ["rule", "q_learning", "policy_gradient"].indexOf(k.kind))),
    compLearningRate: f64(comps.map((k) => k.learningRate)),
    compNoise,
    compNames: comps.map((k) => k.name),
    delayWeightCdf,
    delayKind: Uint8Array.from(delays.map((d) => (d.kind === "exponential" ? 0 : 1))),
    delayA: f64(delays.map((d) => (d.kind === "exponential" ? d.meanHours : d.scaleHours))),
    delayB: f64(delays.map((d) => (d.kind === "exponential" ? 1 : d.shape))),
    fatiguePerExposure: scenario.fatigue.perExposure,
    fatigueDailyDecay: scenario.fatigue.dailyDecay,
    creativeHalfLife: scenario.fatigue.creativeHalfLife * Math.max(scale, 1e-9),
    timeoutDays: scenario.population.journeyTimeoutDays,
    repurchaseDays: scenario.population.repurchaseDays ?? 0,
    devicesPerUser: scenario.population.devicesPerUser,
    loginRate: scenario.population.loginRate,
    pacingInitialRate: scenario.pacing.initialRate,
  };
}

/** Multiplier on opportunities and conversion propensity on `day`: day-of-week x seasons. */
export function dayFactor(world: CompiledWorld, day: number): number {
  const s = world.scenario;
  const dow = s.time.dayOfWeek;
  let f = dow ? (dow[weekdayOfDay(s.startDate, day)]! * 7) / sum(dow) : 1;
  if (s.time.seasons.length > 0) {
    const date = dateOfDay(s.startDate, day);
    for (const season of s.time.seasons) if (inSeason(date, season.from, season.to)) f *= season.multiplier;
  }
  return f;
}

/** A diurnal profile: quiet nights, a lunch bump and an evening peak. */
export const DEFAULT_HOUR_PROFILE = [
  0.3, 0.2, 0.15, 0.12, 0.12, 0.2, 0.4, 0.7, 0.9, 1, 1.05, 1.1, 1.2, 1.15, 1.05, 1, 1, 1.05, 1.15, 1.3, 1.4,
  1.3, 0.9, 0.55,
];

function fillTable(table: Uint8Array, weights: readonly number[]): void {
  const total = sum(weights);
  let cum = 0;
  let j = 0;
  const n = table.length;
  for (let i = 0; i < weights.length; i++) {
    cum += weights[i]! / total;
    const end = i === weights.length - 1 ? n : Math.round(cum * n);
    for (; j < end; j++) table[j] = i;
  }
}

function sum(xs: readonly number[]): number {
  let t = 0;
  for (const x of xs) t += x;
  return t;
}

function f64(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs);
}
