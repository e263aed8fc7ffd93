import type { Scenario } from "../scenario/schema.js";
import { compileScenario } from "./compile.js";
import { World } from "./world.js";

/**
 * World persistence: the whole state (users, entities, pacer, competitors, reports, logs, both
 * generators) as one compact binary — a JSON header followed by the raw typed arrays — so that a
 * demo or service can stop and resume the very same world. Restoring and stepping gives exactly
 * what stepping the original would have.
 */
const MAGIC = "ADPLAB01";

type Typed = Float64Array | Float32Array | Int32Array | Int16Array | Uint8Array;
const CTORS = { Float64Array, Float32Array, Int32Array, Int16Array, Uint8Array } as const;

interface Header {
  scenario: Scenario;
  users: number;
  importanceSampling: boolean;
  seed: number;
  day: number;
  hour: number;
  todayFactor: number;
  stuckPacing: number | null;
  rng: number[];
  cold: number[];
  logs: Record<string, number>;
  statDays: number;
  arrays: { name: string; type: keyof typeof CTORS; length: number }[];
  /** Whatever the owner (e.g. SandboxWorld) stores alongside: faults, ids... */
  extra: unknown;
}

/** Fixed-size arrays, restored in place with set(). */
function fixedArrays(w: World): Record<string, Typed> {
  const c = w.competitors;
  const out: Record<string, Typed> = {};
  for (const [k, v] of Object.entries(w.users.arrays())) out[`users.${k}`] = v as Typed;
  Object.assign(out, {
    groupBudget: w.groupBudget,
    groupBid: w.groupBid,
    groupPaused: w.groupPaused,
    adPaused: w.adPaused,
    groupSpent: w.groupSpent,
    groupHourSpent: w.groupHourSpent,
    throttle: w.throttle,
    rateEstimate: w.rateEstimate,
    armBidMult: w.armBidMult,
    adImpressions: w.adImpressions,
    adCtrNow: w.adCtrNow,
    hourStart: w.hourStart,
    convHead: w.convHead,
    poissonCdf: w.poissonCdf,
    compBidNow: w.compBidNow,
    compPaceCap: w.compPaceCap,
    "comp.mult": c.mult,
    "comp.spentToday": c.spentToday,
    "comp.hourStats": c.hourStats,
    "comp.streak": c.streak,
    "comp.q": c.q,
    "comp.prevState": c.prevState,
    "comp.prevAction": c.prevAction,
    "comp.theta": c.theta,
    "comp.baseline": c.baseline,
    "comp.lastNoise": c.lastNoise,
    "comp.lastMean": c.lastMean,
    "comp.lastFeatures": c.lastFeatures,
  });
  return out;
}

export function snapshotWorld(w: World, extra: unknown = null): Uint8Array {
  const arrays: [string, Typed][] = Object.entries(fixedArrays(w));
  arrays.push(
    ["oppUser", w.oppUser],
    ["oppInfo", w.oppInfo],
    ["sortedUser", w.sortedUser],
    ["sortedChannel", w.sortedChannel],
  );
  const st = w.stats;
  for (let d = 0; d < st.days; d++) {
    arrays.push(
      [`stats.platform.${d}`, st.platform[d]!],
      [`stats.truthAd.${d}`, st.truthAd[d]!],
      [`stats.truthSegment.${d}`, st.truthSegment[d]!],
      [`stats.arm.${d}`, st.arm[d]!],
      [`stats.group.${d}`, st.group[d]!],
      [`stats.competitor.${d}`, st.competitor[d]!],
    );
  }
  const logs = { clicks: w.clicks, conversions: w.conversions, pipeline: w.pipeline };
  for (const [name, log] of Object.entries(logs)) {
    for (const [i, col] of log.export().entries()) arrays.push([`log.${name}.${i}`, col]);
  }
  const header: Header = {
    scenario: w.cw.scenario,
    users: w.cw.users,
    importanceSampling: w.cw.importanceSampling,
    seed: w.seed,
    day: w.day,
    hour: w.hour,
    todayFactor: w.todayFactor,
    stuckPacing: w.stuckPacing,
    rng: w.rng.state(),
    cold: w.cold.state(),
    logs: Object.fromEntries(Object.entries(logs).map(([k, v]) => [k, v.length])),
    statDays: st.days,
    arrays: arrays.map(([name, a]) => ({
      name,
      type: a.constructor.name as keyof typeof CTORS,
      length: a.length,
    })),
    extra,
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const headPadded = align8(16 + head.length);
  let total = headPadded;
  for (const [, a] of arrays) total += align8(a.byteLength);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 16);
  let offset = headPadded;
  for (const [, a] of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += align8(a.byteLength);
  }
  return out;
}

export function restoreWorld(bytes: Uint8Array): World {
  return restoreWorldWithExtra(bytes).world;
}

export function restoreWorldWithExtra(bytes: Uint8Array): { world: World; extra: unknown } {
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new Error("not an AdPilot lab world snapshot");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headLength))) as Header;
  const cw = compileScenario(header.scenario, {
    users: header.users,
    importanceSampling: header.importanceSampling,
  });
  const w = new World(cw, header.seed);
  const loaded = new Map<string, Typed>();
  let offset = align8(16 + headLength);
  for (const spec of header.arrays) {
    const Ctor = CTORS[spec.type];
    const byteLength = spec.length * Ctor.BYTES_PER_ELEMENT;
    const copy = bytes.slice(offset, offset + byteLength);
    loaded.set(spec.name, new Ctor(copy.buffer, 0, spec.length));
    offset += align8(byteLength);
  }
  for (const [name, target] of Object.entries(fixedArrays(w))) {
    const source = loaded.get(name);
    if (!source || source.length !== target.length)
      throw new Error(`snapshot array ${name} is missing or has the wrong size`);
    target.set(source);
  }
  w.oppUser = loaded.get("oppUser") as Int32Array;
  w.oppInfo = loaded.get("oppInfo") as Uint8Array;
  w.sortedUser = loaded.get("sortedUser") as Int32Array;
  w.sortedChannel = loaded.get("sortedChannel") as Uint8Array;
  w.stats.ensureDay(header.statDays - 1);
  for (let d = 0; d < header.statDays; d++) {
    for (const key of ["platform", "truthAd", "truthSegment", "arm", "group", "competitor"] as const) {
      w.stats[key][d] = loaded.get(`stats.${key}.${d}`) as Float64Array;
    }
  }
  for (const [name, log] of Object.entries({
    clicks: w.clicks,
    conversions: w.conversions,
    pipeline: w.pipeline,
  })) {
    log.import(log.names.map((_, i) => loaded.get(`log.${name}.${i}`) as Float64Array));
  }
  w.day = header.day;
  w.hour = header.hour;
  w.todayFactor = header.todayFactor;
  w.stuckPacing = header.stuckPacing;
  w.rng.setState(header.rng);
  w.cold.setState(header.cold);
  w.entitiesDirty = true;
  return { world: w, extra: header.extra };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
