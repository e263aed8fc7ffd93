import { LabRng, normalQuantile, U32_TO_UNIT } from "../rng.js";
import { CompetitorState, updateCompetitors } from "./competitors.js";
import { type CompiledWorld, dayFactor } from "./compile.js";
import { CLICK_COLUMNS, CONVERSION_COLUMNS, GrowableColumns, PIPELINE_COLUMNS } from "./logs.js";
import { updatePacing } from "./pacing.js";
import {
  CLK,
  COMP_METRICS,
  COST,
  DayStats,
  IMP,
  K_AUCTIONS,
  K_COST,
  K_MULT,
  K_VALUE,
  K_WINS,
  PCONV,
  PLATFORM_METRICS,
  PREV,
  T_CONV,
  T_ICONV,
  T_IREV,
  T_REV,
  TRUTH_METRICS,
} from "./reports.js";
import { UserTable } from "./state.js";

const MAX_OPPS_PER_DAY = 15;

/**
 * One simulated market, advanced hour by hour. Deterministic: the same compiled scenario and seed
 * give the same world, bit for bit. `rng` drives the per-opportunity hot loop; `cold` drives rare
 * events (conversions, delays, order values, devices, CRM, competitor exploration).
 */
export class World {
  readonly users: UserTable;
  readonly rng: LabRng;
  readonly cold: LabRng;
  day = 0;
  hour = 0;
  // Our entities (mutable through the connector).
  readonly groupBudget: Float64Array;
  readonly groupBid: Float64Array;
  readonly groupPaused: Uint8Array;
  readonly adPaused: Uint8Array;
  readonly groupSpent: Float64Array;
  readonly groupHourSpent: Float64Array;
  readonly throttle: Float64Array;
  readonly rateEstimate: Float64Array;
  /** Bid multiplier per evaluation arm; 0 = holdout (we never bid on that arm's users). */
  readonly armBidMult = new Float64Array(8).fill(1);
  /** Fault: pacing frozen at this throttle rate (null = healthy). */
  stuckPacing: number | null = null;
  readonly competitors: CompetitorState;
  readonly adImpressions: Float64Array;
  readonly adCtrNow: Float64Array;
  readonly stats: DayStats;
  readonly clicks = new GrowableColumns(CLICK_COLUMNS);
  readonly conversions = new GrowableColumns(CONVERSION_COLUMNS);
  readonly pipeline = new GrowableColumns(PIPELINE_COLUMNS, 256);
  // Today's opportunities, bucketed by hour (counting sort).
  oppUser: Int32Array;
  oppInfo: Uint8Array;
  sortedUser: Int32Array;
  sortedChannel: Uint8Array;
  readonly hourStart = new Int32Array(25);
  readonly convHead = new Int32Array(24).fill(-1);
  readonly poissonCdf: Float64Array;
  private readonly cumulativeShare = new Float64Array(24);
  private groupLive: Uint8Array;
  private groupAdStart: Int32Array;
  private groupAds: Int32Array;
  entitiesDirty = true;
  todayFactor = 1;
  private readonly rankBuf = new Float64Array(16);
  private readonly rankIdx = new Int32Array(16);

  constructor(
    readonly cw: CompiledWorld,
    readonly seed: number,
  ) {
    this.rng = new LabRng(seed);
    this.cold = new LabRng(seed ^ 0x5bd1e995);
    this.users = new UserTable(cw, this.cold);
    const { G, A, S, K } = cw;
    this.groupBudget = cw.groupBudgetMilli.slice();
    this.groupBid = cw.groupBidMilli.slice();
    this.groupPaused = cw.groupPaused.slice();
    this.adPaused = cw.adPaused.slice();
    this.groupSpent = new Float64Array(G);
    this.groupHourSpent = new Float64Array(G);
    this.throttle = new Float64Array(G).fill(cw.pacingInitialRate);
    this.rateEstimate = new Float64Array(G).fill(-1);
    this.competitors = new CompetitorState(K);
    this.adImpressions = new Float64Array(A);
    this.adCtrNow = cw.adSegCtr.slice();
    this.stats = new DayStats(cw);
    const cap = Math.ceil(cw.users * 3) + 1024;
    this.oppUser = new Int32Array(cap);
    this.oppInfo = new Uint8Array(cap);
    this.sortedUser = new Int32Array(cap);
    this.sortedChannel = new Uint8Array(cap);
    this.poissonCdf = new Float64Array(S * (MAX_OPPS_PER_DAY + 1));
    let c = 0;
    for (let h = 0; h < 24; h++) {
      c += cw.hourShare[h]!;
      this.cumulativeShare[h] = c;
    }
    this.groupLive = new Uint8Array(G);
    this.groupAdStart = new Int32Array(G + 1);
    this.groupAds = new Int32Array(A);
    this.refreshCompetitorBids(0);
  }

  /** Absolute hour since the start of the world. */
  get now(): number {
    return this.day * 24 + this.hour;
  }

  stepHour(): void {
    if (this.hour === 0) this.startDay();
    if (this.entitiesDirty) this.refreshEntities();
    this.runAuctions();
    this.runConversions();
    this.endHour();
  }

  stepDay(): void {
    do this.stepHour();
    while (this.hour !== 0);
  }

  run(days: number): this {
    for (let d = 0; d < days; d++) this.stepDay();
    return this;
  }

  // --- entity changes (take effect from the next auction) ---
  setGroupBudget(g: number, budgetMilli: number): void {
    this.groupBudget[g] = Math.max(0, budgetMilli);
    this.entitiesDirty = true;
  }
  setGroupBid(g: number, bidMilli: number): void {
    this.groupBid[g] = Math.max(0, bidMilli);
  }
  setGroupPaused(g: number, paused: boolean): void {
    this.groupPaused[g] = paused ? 1 : 0;
    this.entitiesDirty = true;
  }
  setAdPaused(a: number, paused: boolean): void {
    this.adPaused[a] = paused ? 1 : 0;
    this.entitiesDirty = true;
  }

  private refreshEntities(): void {
    const { G, A, adGroup } = this.cw;
    let n = 0;
    for (let g = 0; g < G; g++) {
      this.groupAdStart[g] = n;
      for (let a = 0; a < A; a++) if (adGroup[a] === g && this.adPaused[a] === 0) this.groupAds[n++] = a;
      this.groupLive[g] =
        this.groupPaused[g] === 0 && n > this.groupAdStart[g]! && this.groupBudget[g]! > 0 ? 1 : 0;
    }
    this.groupAdStart[G] = n;
    this.entitiesDirty = false;
  }

  /** Daily pass over every user: timeouts, organic drift, fatigue decay, due conversions, opportunities. */
  private startDay(): void {
    const cw = this.cw;
    const U = this.users;
    const day = this.day;
    this.stats.ensureDay(day);
    const f = dayFactor(cw, day);
    this.todayFactor = f;
    const S = cw.S;
    const W = MAX_OPPS_PER_DAY + 1;
    for (let s = 0; s < S; s++) {
      const lambda = cw.segLambda[s]! * f;
      let p = Math.exp(-lambda);
      let acc = p;
      for (let k = 0; k < W; k++) {
        this.poissonCdf[s * W + k] = k === W - 1 ? 1 : acc;
        p *= lambda / (k + 1);
        acc += p;
      }
    }
    this.groupSpent.fill(0);
    this.competitors.spentToday.fill(0);
    this.convHead.fill(-1);
    const expected = cw.users * Math.max(...cw.segLambda) * f;
    const need = Math.ceil(expected + 10 * Math.sqrt(expected)) + 256;
    if (this.oppUser.length < need) this.growOpportunities(need);

    const rng = this.rng;
    const { segment, stage, lastTouch, convertedDay, frequency, liftAd, pendingAt, convNext } = U;
    const oppUser = this.oppUser;
    const oppInfo = this.oppInfo;
    const cdf = this.poissonCdf;
    const hourTable = cw.hourTable;
    const chanTable = cw.segChannelTable;
    const orgAdvance = cw.segOrgAdvance;
    const orgConvert = cw.segOrgConvert;
    const timeout = cw.timeoutDays;
    const repurchase = cw.repurchaseDays;
    const decay = cw.fatigueDailyDecay;
    const dayStart = day * 24;
    const dayEnd = dayStart + 24;
    const convHead = this.convHead;
    const count = this.hourStart;
    count.fill(0);
    let n = 0;
    // The generator is stepped inline (xoshiro128**) on local words; written back below.
    let s0 = rng.s0;
    let s1 = rng.s1;
    let s2 = rng.s2;
    let s3 = rng.s3;
    let m = 0;
    let t = 0;
    let xr = 0;
    for (let u = 0; u < U.n; u++) {
      const s = segment[u]!;
      let st = stage[u]!;
      const pend = pendingAt[u]!;
      if (pend >= 0 && pend < dayEnd) {
        const h = pend < dayStart ? 0 : pend - dayStart;
        convNext[u] = convHead[h]!;
        convHead[h] = u;
      }
      if (st === 4) {
        if (repurchase > 0 && day - convertedDay[u]! >= repurchase && pend < 0) {
          stage[u] = 0;
          liftAd[u] = 0;
        }
      } else if (st > 0 && day - lastTouch[u]! >= timeout) {
        stage[u] = 0;
        liftAd[u] = 0;
        st = 0;
      }
      frequency[u] = frequency[u]! * decay;
      m = Math.imul(s1, 5);
      xr = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      let r = xr * U32_TO_UNIT;
      if (st < 4 && pend < 0) {
        if (st === 3) {
          if (r < orgConvert[s]! * f) this.scheduleOrganicConversion(u, dayStart);
        } else if (r < orgAdvance[s]!) {
          stage[u] = st + 1;
          lastTouch[u] = day;
        }
        m = Math.imul(s1, 5);
        xr = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        r = xr * U32_TO_UNIT;
      }
      let k = 0;
      const base = s * W;
      while (r > cdf[base + k]!) k++;
      for (; k > 0; k--) {
        m = Math.imul(s1, 5);
        xr = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const x = xr;
        const h = hourTable[x >>> 22]!;
        oppUser[n] = u;
        oppInfo[n] = (h << 3) | chanTable[(s << 8) | (x & 255)]!;
        count[h + 1]!++;
        n++;
      }
    }
    rng.s0 = s0;
    rng.s1 = s1;
    rng.s2 = s2;
    rng.s3 = s3;
    for (let h = 1; h <= 24; h++) count[h] = count[h]! + count[h - 1]!;
    const heads = this.hourHeads;
    for (let h = 0; h < 24; h++) heads[h] = count[h]!;
    const sortedUser = this.sortedUser;
    const sortedChannel = this.sortedChannel;
    for (let i = 0; i < n; i++) {
      const info = oppInfo[i]!;
      const h = info >>> 3;
      const j = heads[h]!++;
      sortedUser[j] = oppUser[i]!;
      sortedChannel[j] = info & 7;
    }
  }

  private readonly hourHeads = new Int32Array(24);

  private growOpportunities(need: number): void {
    this.oppUser = new Int32Array(need);
    this.oppInfo = new Uint8Array(need);
    this.sortedUser = new Int32Array(need);
    this.sortedChannel = new Uint8Array(need);
  }

  /** The hot loop: every opportunity of this hour goes through one auction. */
  private runAuctions(): void {
    const cw = this.cw;
    const U = this.users;
    const rng = this.rng;
    const S = cw.S;
    const A = cw.A;
    const hour = this.hour;
    const now = this.now;
    const day = this.day;
    const block = this.stats.platform[day]!;
    const { segment, stage, lastTouch, frequency, liftAd, arm } = U;
    const sortedUser = this.sortedUser;
    const sortedChannel = this.sortedChannel;
    const chanGroupStart = cw.chanGroupStart;
    const chanGroupList = cw.chanGroupList;
    const compStart = cw.compChannelStart;
    const compList = cw.compChannelList;
    const compBid = this.compBidNow;
    const compQuality = cw.compQuality;
    const compNoise = cw.compNoise;
    const compPart = cw.compParticipation;
    const compBudget = cw.compBudgetMilli;
    const compSpent = this.competitors.spentToday;
    const compStats = this.competitors.hourStats;
    const compValue = cw.compValueMilli;
    const compCap = this.compPaceCap;
    const groupLive = this.groupLive;
    const groupBudget = this.groupBudget;
    const groupBid = this.groupBid;
    const groupSpent = this.groupSpent;
    const groupHourSpent = this.groupHourSpent;
    const throttle = this.throttle;
    const groupAdStart = this.groupAdStart;
    const groupAds = this.groupAds;
    const adCtr = this.adCtrNow;
    const adImps = this.adImpressions;
    const stageCtr = cw.stageCtr;
    const chanCpc = cw.chanCpc;
    const chanAuction = cw.chanAuction;
    const chanSlots = cw.chanSlots;
    const chanPosCtr = cw.chanPosCtr;
    const chanReserve = cw.chanReserveMilli;
    const chanCompReserve = cw.chanCompReserveMilli;
    const impAdvance = cw.chanImpAdvance;
    const responsive = cw.segResponsive;
    const armMult = this.armBidMult;
    const fpe = cw.fatiguePerExposure;
    const ranks = this.rankBuf;
    const rankIdx = this.rankIdx;
    const end = this.hourStart[hour + 1]!;
    let s0 = rng.s0;
    let s1 = rng.s1;
    let s2 = rng.s2;
    let s3 = rng.s3;
    let m = 0;
    let t = 0;
    let xr = 0;
    for (let i = this.hourStart[hour]!; i < end; i++) {
      const u = sortedUser[i]!;
      const c = sortedChannel[i]!;
      // Competitors' bids, kept sorted (descending) in `ranks`.
      let n = 0;
      for (let j = compStart[c]!; j < compStart[c + 1]!; j++) {
        const k = compList[j]!;
        if (compSpent[k]! >= compCap[k]!) continue;
        m = Math.imul(s1, 5);
        xr = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const x = xr;
        if (x * U32_TO_UNIT >= compPart[k]!) continue;
        const rank = compBid[k]! * compNoise[(k << 8) | (x & 255)]! * compQuality[k]!;
        let p = n++;
        while (p > 0 && ranks[p - 1]! < rank) {
          ranks[p] = ranks[p - 1]!;
          rankIdx[p] = rankIdx[p - 1]!;
          p--;
        }
        ranks[p] = rank;
        rankIdx[p] = k;
        compStats[k * 6]!++;
      }
      // Our best ad group on this channel (platforms do not let an advertiser bid against itself).
      const s = segment[u]!;
      const st = stage[u]!;
      const mult = armMult[arm[u]!]!;
      const cpc = chanCpc[c]!;
      let bestG = -1;
      let bestAd = -1;
      let bestE = 0;
      let bestPctr = 0;
      if (mult > 0) {
        const fat = 1 / (1 + fpe * frequency[u]!);
        for (let j = chanGroupStart[c]!; j < chanGroupStart[c + 1]!; j++) {
          const g = chanGroupList[j]!;
          if (groupLive[g] === 0) continue;
          m = Math.imul(s1, 5);
          xr = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
          t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
          const x = xr;
          if (x * U32_TO_UNIT >= throttle[g]!) continue;
          const bid = groupBid[g]! * mult;
          if (groupSpent[g]! + bid > groupBudget[g]!) continue;
          const na = groupAdStart[g + 1]! - groupAdStart[g]!;
          const ad = groupAds[groupAdStart[g]! + ((x & 0xffff) % na)]!;
          const pctr = adCtr[ad * S + s]! * stageCtr[st]! * fat;
          const e = cpc === 1 ? bid * pctr : bid;
          if (e > bestE) {
            bestE = e;
            bestG = g;
            bestAd = ad;
            bestPctr = pctr;
          }
        }
      }
      const reserveE = cpc === 1 ? chanReserve[c]! * bestPctr : chanReserve[c]!;
      const ourIn = bestG >= 0 && bestE >= reserveE;
      const slots = chanSlots[c]!;
      const firstPrice = chanAuction[c] === 1;
      const compReserve = chanCompReserve[c]!;
      // Walk the slots in rank order; competitors that place pay the next rank (or their bid).
      let ourSlot = -1;
      let ourPrice = 0;
      let ci = 0;
      let cutoff = compReserve;
      for (let slot = 0; slot < slots; slot++) {
        if (ourIn && ourSlot < 0 && (ci >= n || bestE > ranks[ci]!)) {
          ourSlot = slot;
          const next = ci < n ? ranks[ci]! : 0;
          ourPrice = firstPrice ? bestE : Math.max(next, reserveE);
          cutoff = bestE;
          continue;
        }
        if (ci >= n) break;
        const k = rankIdx[ci]!;
        const rank = ranks[ci]!;
        let next = ci + 1 < n ? ranks[ci + 1]! : 0;
        if (ourIn && ourSlot < 0 && bestE > next) next = bestE;
        let price = firstPrice ? rank : Math.max(next, compReserve);
        const room = compBudget[k]! - compSpent[k]!;
        if (price > room) price = room;
        compSpent[k] = compSpent[k]! + price;
        compStats[k * 6 + 1]!++;
        compStats[k * 6 + 2] = compStats[k * 6 + 2]! + price;
        compStats[k * 6 + 3] = compStats[k * 6 + 3]! + compValue[k]! * chanPosCtr[c * 8 + slot]!;
        cutoff = rank;
        ci++;
      }
      // Losers learn how far they were from the last winning rank ("minimum bid to win" feedback).
      for (let j = ci; j < n; j++) {
        const k = rankIdx[j]!;
        compStats[k * 6 + 4] = compStats[k * 6 + 4]! + cutoff / ranks[j]!;
        compStats[k * 6 + 5]!++;
      }
      if (ourSlot < 0) continue;
      // We won an impression.
      const cell = (hour * A + bestAd) * PLATFORM_METRICS;
      block[cell + IMP]!++;
      adImps[bestAd]!++;
      frequency[u] = frequency[u]! + 1;
      if (st < 4) lastTouch[u] = day;
      let cost = 0;
      if (cpc === 0) cost = Math.round(ourPrice);
      m = Math.imul(s1, 5);
      xr = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const x = xr * U32_TO_UNIT;
      const ctr = bestPctr * chanPosCtr[c * 8 + ourSlot]!;
      if (x < ctr) {
        if (cpc === 1) cost = Math.round(ourPrice / bestPctr);
        block[cell + CLK]!++;
        this.onClick(u, c, bestAd, now);
      } else if (st < 3) {
        // Non-clicking exposures can still move the journey forward (re-using the same uniform).
        const adv = impAdvance[c * 4 + st]! * responsive[s]!;
        if ((x - ctr) / (1 - ctr) < adv) {
          stage[u] = st + 1;
          liftAd[u] = bestAd + 1;
        }
      }
      if (cost > 0) {
        block[cell + COST] = block[cell + COST]! + cost;
        groupSpent[bestG] = groupSpent[bestG]! + cost;
        groupHourSpent[bestG] = groupHourSpent[bestG]! + cost;
      }
    }
    rng.s0 = s0;
    rng.s1 = s1;
    rng.s2 = s2;
    rng.s3 = s3;
  }

  readonly compBidNow = new Float64Array(64);
  readonly compPaceCap = new Float64Array(64);

  /** A click: journey moves on, last-click attribution memory, and maybe a (delayed) conversion. */
  private onClick(u: number, c: number, ad: number, now: number): void {
    const cw = this.cw;
    const U = this.users;
    const cold = this.cold;
    const device = U.deviceStart[u]! + cold.int(U.deviceCount[u]!);
    const click = this.clicks.push4(now, ad, device, u);
    U.lastClickAd[u * cw.C + c] = ad;
    U.lastClickHour[u * cw.C + c] = now;
    let st = U.stage[u]!;
    if (st === 4) return;
    if (st < 3) {
      st = st < 2 ? 2 : 3;
      U.stage[u] = st;
      U.liftAd[u] = ad + 1;
    }
    if (U.pendingAt[u]! >= 0) return;
    const s = U.segment[u]!;
    const p = cw.segCvr[s]! * cw.stageCvr[st]! * cw.chanCvrMult[c]! * this.todayFactor;
    const r = cold.next();
    if (r >= p) return;
    const incremental = r >= p * cw.segBaseline[s]!;
    this.schedule(u, now + this.sampleDelay(), ad, incremental, click);
  }

  private scheduleOrganicConversion(u: number, dayStart: number): void {
    const lift = this.users.liftAd[u]!;
    const at = dayStart + this.cw.hourTable[this.cold.nextU32() >>> 22]!;
    this.schedule(u, at, lift - 1, lift > 0, -1);
  }

  private schedule(u: number, at: number, ad: number, incremental: boolean, click: number): void {
    const U = this.users;
    const cw = this.cw;
    const s = U.segment[u]!;
    const value = cw.scenario.crm
      ? this.samplePipeline(click, at)
      : Math.round(Math.exp(cw.segOrderMu[s]! + cw.segOrderSigma[s]! * normalQuantile(this.cold.nextOpen())));
    U.pendingAt[u] = at;
    U.pendingValue[u] = value;
    U.pendingAd[u] = ad;
    U.pendingFlags[u] = incremental ? 1 : 0;
    U.pendingClick[u] = click;
    const dayStart = this.day * 24;
    if (at < dayStart + 24) {
      const h = at - dayStart;
      U.convNext[u] = this.convHead[h]!;
      this.convHead[h] = u;
    }
  }

  /** Hours from click to conversion: a mixture of exponentials and Weibulls. */
  private sampleDelay(): number {
    const cw = this.cw;
    const r = this.cold.next();
    let i = 0;
    while (r > cw.delayWeightCdf[i]!) i++;
    const e = -Math.log(this.cold.nextOpen());
    const d = cw.delayKind[i] === 0 ? cw.delayA[i]! * e : cw.delayA[i]! * e ** (1 / cw.delayB[i]!);
    return Math.min(Math.floor(d), 24 * 365);
  }

  /** CRM: lead -> stages with probabilities and delays; returns the closed value (0 if lost). */
  private samplePipeline(click: number, at: number): number {
    const crm = this.cw.scenario.crm!;
    const cold = this.cold;
    this.pipeline.push4(at, click, 0, 0);
    let t = at;
    for (let i = 0; i < crm.stages.length; i++) {
      const stage = crm.stages[i]!;
      if (cold.next() >= stage.probability) return 0;
      t += Math.round(24 * (stage.delayDays.min + cold.next() * (stage.delayDays.max - stage.delayDays.min)));
      const last = i === crm.stages.length - 1;
      const value = last
        ? Math.round(
            crm.closedValue.mean *
              this.cw.minorPerMajor *
              Math.exp(
                crm.closedValue.sigma * normalQuantile(cold.nextOpen()) - crm.closedValue.sigma ** 2 / 2,
              ),
          )
        : 0;
      this.pipeline.push4(t, click, i + 1, value);
      if (last) return value;
    }
    return 0;
  }

  /** Conversions due this hour: ground truth, and each channel's last-click claim. */
  private runConversions(): void {
    const cw = this.cw;
    const U = this.users;
    const A = cw.A;
    const C = cw.C;
    const now = this.now;
    const stats = this.stats;
    const truth = stats.truthAd[this.day]!;
    const truthSeg = stats.truthSegment[this.day]!;
    const armStats = stats.arm[this.day]!;
    const crm = cw.scenario.crm !== undefined;
    let u = this.convHead[this.hour]!;
    this.convHead[this.hour] = -1;
    while (u >= 0) {
      const next = U.convNext[u]!;
      U.convNext[u] = -1;
      if (U.pendingAt[u]! === now || (U.pendingAt[u]! >= 0 && U.pendingAt[u]! < now)) {
        const value = U.pendingValue[u]!;
        const ad = U.pendingAd[u]!;
        const incremental = U.pendingFlags[u]! & 1;
        const s = U.segment[u]!;
        const t = (ad >= 0 ? ad : A) * TRUTH_METRICS;
        truth[t + T_CONV]!++;
        truth[t + T_REV] = truth[t + T_REV]! + value;
        const ts = s * TRUTH_METRICS;
        truthSeg[ts + T_CONV]!++;
        truthSeg[ts + T_REV] = truthSeg[ts + T_REV]! + value;
        if (incremental) {
          truth[t + T_ICONV]!++;
          truth[t + T_IREV] = truth[t + T_IREV]! + value;
          truthSeg[ts + T_ICONV]!++;
          truthSeg[ts + T_IREV] = truthSeg[ts + T_IREV]! + value;
        }
        const a4 = U.arm[u]! * 4;
        armStats[a4]!++;
        armStats[a4 + 1] = armStats[a4 + 1]! + value;
        armStats[a4 + 2] = armStats[a4 + 2]! + value * value;
        armStats[a4 + 3] = armStats[a4 + 3]! + incremental;
        this.conversions.push6(now, u, ad, value, incremental, U.pendingClick[u]!);
        for (let c = 0; c < C; c++) {
          const clickAd = U.lastClickAd[u * C + c]!;
          if (clickAd < 0) continue;
          const at = U.lastClickHour[u * C + c]!;
          if (now - at > cw.chanClickWindowHours[c]!) continue;
          const cell = (((at % 24) * A + clickAd) * PLATFORM_METRICS) | 0;
          const block = stats.platform[Math.floor(at / 24)]!;
          block[cell + PCONV]!++;
          if (!crm) block[cell + PREV] = block[cell + PREV]! + value;
        }
        U.stage[u] = 4;
        U.convertedDay[u] = this.day;
        U.pendingAt[u] = -1;
        U.pendingAd[u] = -1;
        U.liftAd[u] = 0;
      }
      u = next;
    }
  }

  private endHour(): void {
    const cw = this.cw;
    const hour = this.hour;
    updatePacing(
      this,
      hour,
      cw.hourShare,
      this.groupSpent,
      this.groupHourSpent,
      this.groupBudget,
      cw.pacingInitialRate,
      this.stuckPacing,
    );
    this.groupHourSpent.fill(0);
    const comp = this.competitors;
    const day = this.stats.competitor[this.day]!;
    for (let k = 0; k < cw.K; k++) {
      const o = k * COMP_METRICS;
      day[o + K_AUCTIONS] = day[o + K_AUCTIONS]! + comp.hourStats[k * 6]!;
      day[o + K_WINS] = day[o + K_WINS]! + comp.hourStats[k * 6 + 1]!;
      day[o + K_COST] = day[o + K_COST]! + comp.hourStats[k * 6 + 2]!;
      day[o + K_VALUE] = day[o + K_VALUE]! + comp.hourStats[k * 6 + 3]!;
      day[o + K_MULT] = day[o + K_MULT]! + comp.mult[k]! / 24;
    }
    updateCompetitors(cw, comp, this.cold, hour, this.cumulativeShare);
    this.refreshCompetitorBids((hour + 1) % 24);
    // Creative fatigue by total impressions: CTR halves every `creativeHalfLife` impressions.
    const { A, S } = cw;
    for (let a = 0; a < A; a++) {
      const f = 0.5 ** (this.adImpressions[a]! / cw.creativeHalfLife);
      for (let s = 0; s < S; s++) this.adCtrNow[a * S + s] = cw.adSegCtr[a * S + s]! * f;
    }
    this.hour++;
    if (this.hour === 24) {
      const g = this.stats.group[this.day]!;
      for (let i = 0; i < cw.G; i++) {
        g[i * 2] = this.groupSpent[i]!;
        g[i * 2 + 1] = this.groupBudget[i]!;
      }
      this.hour = 0;
      this.day++;
    }
  }

  /** Competitor bids for the next hour, and a crude pacing cap: spend at most plan + 10% of budget. */
  refreshCompetitorBids(nextHour: number): void {
    const cw = this.cw;
    for (let k = 0; k < cw.K; k++) {
      this.compBidNow[k] = cw.compBidMilli[k]! * this.competitors.mult[k]!;
      const plan = this.cumulativeShare[nextHour]! + 0.1;
      this.compPaceCap[k] = cw.compBudgetMilli[k]! * Math.min(1, plan);
    }
  }
}
