// Detection delay per injected fault and the false-positive rate over healthy account-days, on lab
// sandboxes. Drives the sandbox world and the monitor's pure checks directly (SandboxMonitor: an
// hourly sync like the service's cycle, API probes every simulated minute), not the full service loop.
import { loadScenario } from "../src/connectors/sandbox/scenario-files.js";
import { SandboxWorld } from "../src/lab/sandbox-world.js";
import type { Finding } from "../src/monitoring/checks/types.js";
import { SandboxMonitor } from "../src/monitoring/evaluation/sandbox-monitor.js";

const USERS = Number(process.env.MONITORING_BENCH_USERS ?? 3000);
const WARMUP_DAYS = 16;
const HEALTHY_WORLDS = Number(process.env.MONITORING_BENCH_WORLDS ?? 9);
const HEALTHY_DAYS = Number(process.env.MONITORING_BENCH_DAYS ?? 115);
const TRIALS = Number(process.env.MONITORING_BENCH_TRIALS ?? 6);
const SCENARIOS = ["ecommerce", "subscription-app", "service-business"];

/** A tiny seeded generator for fault start times. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function warmedMonitor(scenario: string, seed: number): Promise<SandboxMonitor> {
  const m = new SandboxMonitor(
    SandboxWorld.create(loadScenario(scenario), { users: USERS, seed }),
    `${scenario}#${seed}`,
  );
  for (let h = 0; h < WARMUP_DAYS * 24; h++) await m.stepHour();
  return m;
}

/** One simulated hour: the cycle at :00 (then every check), API probes and health checks each minute. */
async function hour(
  m: SandboxMonitor,
  onFindings: (f: Finding[], minute: number) => void,
  cycleFails = false,
): Promise<void> {
  await m.stepHour(cycleFails);
  onFindings(m.allFindings(), 0);
  for (let minute = 0; minute < 60; minute++) {
    await m.probe();
    onFindings(m.healthFindings(), minute);
    m.advanceMinute();
  }
}

interface FaultCase {
  name: string;
  /** Which causes count as detecting this fault. */
  detects: (cause: string) => boolean;
  inject: (m: SandboxMonitor) => void;
  /** The fault makes cycles fail (the service's own crash, not the platform's). */
  crashesCycles?: boolean;
}

const FAULTS: FaultCase[] = [
  {
    name: "api-errors",
    detects: (c) => c === "api_health:errors",
    inject: (m) => m.sandbox.faults.set("errors", { rate: 1 }),
  },
  {
    name: "api-errors-50pct",
    detects: (c) => c === "api_health:errors",
    inject: (m) => m.sandbox.faults.set("errors", { rate: 0.5 }),
  },
  {
    name: "stuck-pacing",
    detects: (c) => c === "pacing:day_under",
    inject: (m) => m.sandbox.faults.set("stuck_pacing", { rate: 1 }),
  },
  {
    name: "wrong-id-mapping",
    detects: (c) => c.startsWith("mapping:"),
    inject: (m) => m.sandbox.faults.set("wrong_ids", { rate: 0.3 }),
  },
  { name: "crashing-cycle", detects: (c) => c === "loop:failures", inject: () => {}, crashesCycles: true },
  {
    name: "data-gap",
    detects: (c) => c.startsWith("data_quality:missing") || c === "data_quality:stale",
    inject: (m) => m.sandbox.faults.set("missing_days", { rate: 1, from: m.local.date }),
  },
];

/**
 * Minutes from the fault's start to the first finding that names it. Faults start at a random minute;
 * a platform fault takes effect on the next call. A crashing cycle starts with the next cycle, which
 * fails and is retried with the service's backoff (5 s, 10 s, ... capped at the interval).
 */
/** For the crashing cycle: minutes from the first crashed cycle (the first moment it can be seen) to detection. */
const sinceFirstCrash: number[] = [];

async function detectionDelay(fault: FaultCase, trial: number): Promise<number | null> {
  const scenario = SCENARIOS[trial % SCENARIOS.length]!;
  const m = await warmedMonitor(scenario, 100 + trial);
  const r = rng(7 + trial * 31);
  for (let h = 0; h < Math.floor(r() * 24); h++) await hour(m, () => {});
  const startMinute = Math.floor(r() * 60);
  let elapsed = 0;
  let detected: number | null = null;
  const see = (base: number) => (findings: Finding[], minute: number) => {
    if (detected === null && base + minute >= 0 && findings.some((f) => fault.detects(f.cause)))
      detected = base + minute;
  };
  // The hour the fault starts in: probes before the start minute are healthy.
  await m.stepHour();
  for (let minute = 0; minute < 60; minute++) {
    if (minute === startMinute) fault.inject(m);
    await m.probe();
    if (minute >= startMinute) see(-startMinute)(m.healthFindings(), minute);
    m.advanceMinute();
  }
  elapsed = 60 - startMinute;
  if (fault.crashesCycles) {
    // The next cycle crashes, and so do its retries at +5 s and +15 s; the health pass runs each minute.
    m.consecutiveFailures = 3;
    const found = m.healthFindings().some((f) => fault.detects(f.cause));
    if (found) sinceFirstCrash.push(1);
    return found ? elapsed + 1 : null;
  }
  for (let h = 0; h < 72 && detected === null; h++) {
    await hour(m, see(elapsed), false);
    elapsed += 60;
  }
  return detected;
}

async function falsePositives(): Promise<{ days: number; flagged: number; causes: Map<string, number> }> {
  let days = 0;
  let flagged = 0;
  const causes = new Map<string, number>();
  for (let w = 0; w < HEALTHY_WORLDS; w++) {
    const m = await warmedMonitor(SCENARIOS[w % SCENARIOS.length]!, 1000 + w);
    for (let d = 0; d < HEALTHY_DAYS; d++) {
      const today = new Set<string>();
      for (let h = 0; h < 24; h++)
        await hour(m, (findings) => {
          for (const f of findings) today.add(f.cause);
        });
      days++;
      if (today.size > 0) flagged++;
      for (const c of today) causes.set(c, (causes.get(c) ?? 0) + 1);
    }
  }
  return { days, flagged, causes };
}

const started = performance.now();
console.log(
  `# sandbox worlds of ${USERS} users (${SCENARIOS.join(", ")}), ${WARMUP_DAYS} warm-up days; checks driven directly (hourly sync + all checks, API probe + health checks every simulated minute), not the full service loop`,
);
for (const fault of FAULTS) {
  const delays: number[] = [];
  let missed = 0;
  for (let t = 0; t < TRIALS; t++) {
    const d = await detectionDelay(fault, t);
    if (d === null) missed++;
    else delays.push(d);
  }
  delays.sort((a, b) => a - b);
  const median = delays.length ? delays[Math.floor((delays.length - 1) / 2)]! : Number.NaN;
  console.log(`detection-delay-${fault.name}: ${median} minutes`);
  console.log(
    `detection-delay-${fault.name}-max: ${delays.at(-1) ?? Number.NaN} minutes (${TRIALS - missed}/${TRIALS} detected)`,
  );
  if (fault.crashesCycles && sinceFirstCrash.length > 0)
    console.log(
      `detection-delay-${fault.name}-after-first-crash: ${Math.max(...sinceFirstCrash)} minutes (the fault is invisible until the next cycle runs)`,
    );
}
const fp = await falsePositives();
console.log(`healthy-account-days: ${fp.days}`);
console.log(`false-positive-rate: ${(fp.flagged / fp.days).toFixed(4)}`);
if (fp.causes.size > 0)
  console.log(`# false-positive causes: ${[...fp.causes].map(([c, n]) => `${c}=${n}`).join(", ")}`);
console.log(`wall-time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
