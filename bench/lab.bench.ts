// Simulation lab throughput (research notes §6a). E-commerce scenario with everything on: journeys,
// identities, creative fatigue, three learning competitors, delayed conversions, pacing.
import { createHash } from "node:crypto";
import { loadScenario } from "../src/connectors/sandbox/scenario-files.js";
import { runLabWithScenario } from "../src/lab/run-lab.js";
import { compileScenario } from "../src/lab/world/compile.js";
import { platformTotals } from "../src/lab/world/summary.js";
import { World } from "../src/lab/world/world.js";

const scenario = loadScenario("ecommerce");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeWorld(
  users: number,
  days: number,
  seed: number,
): { seconds: number; cpuSeconds: number; world: World } {
  const cw = compileScenario(scenario, { users });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const world = new World(cw, seed).run(days);
  const cpu = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, world };
}

// Warm-up, then 5 timed runs of 20,000 users x 30 days.
timeWorld(20000, 30, 0);
const big = [1, 2, 3, 4, 5].map((seed) => timeWorld(20000, 30, seed));
const userDays = 20000 * 30;
const bigSeconds = median(big.map((r) => r.seconds));
const sample = big[0]!.world;
const p = platformTotals(sample);
let auctions = 0;
for (const b of sample.stats.competitor) for (let k = 0; k < sample.cw.K; k++) auctions += b[k * 5]!;
console.log(`user-days-per-second: ${Math.round(userDays / bigSeconds)} user-days/s`);
// CPU time of this process: closer to single-core capacity when the machine is shared.
console.log(
  `user-days-per-cpu-second: ${Math.round(userDays / median(big.map((r) => r.cpuSeconds)))} user-days/s`,
);
console.log(`opportunities-per-user-day: ${(sample.hourStart[24]! / 20000).toFixed(2)} opportunities`);
console.log(`impressions-per-second: ${Math.round(p.impressions / bigSeconds)} impressions/s`);
console.log(`competitor-bids-per-second: ${Math.round(auctions / bigSeconds)} bids/s`);

const campaign = [1, 2, 3, 4, 5].map((seed) => timeWorld(10000, 30, seed).seconds);
console.log(`campaign-30d-10k-users-seconds: ${median(campaign).toFixed(3)} s`);
console.log(`campaign-30d-10k-users-users-per-second: ${Math.round(10000 / median(campaign))} users/s`);

const w = sample;
const opportunityBytes =
  w.oppUser.byteLength + w.oppInfo.byteLength + w.sortedUser.byteLength + w.sortedChannel.byteLength;
console.log(`bytes-per-user: ${(w.users.bytesPerUser() + opportunityBytes / w.users.n).toFixed(1)} bytes`);
console.log(`bytes-per-user-state-only: ${w.users.bytesPerUser().toFixed(1)} bytes`);

async function monteCarlo(threads: number) {
  const t0 = performance.now();
  const summary = await runLabWithScenario({
    scenario,
    days: 30,
    users: 10000,
    worlds: 100,
    seed: 1,
    threads,
    oracle: false,
  });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, hash: createHash("sha256").update(JSON.stringify(summary)).digest("hex").slice(0, 16) };
}
const one = await monteCarlo(1);
console.log(`monte-carlo-100-worlds-1-thread-seconds: ${one.seconds.toFixed(2)} s`);
const two = await monteCarlo(2);
console.log(`monte-carlo-100-worlds-2-threads-seconds: ${two.seconds.toFixed(2)} s`);
console.log(`monte-carlo-2-thread-scaling-efficiency: ${(one.seconds / (2 * two.seconds)).toFixed(2)} ratio`);
console.log(`monte-carlo-same-result-1-vs-2-threads: ${one.hash === two.hash ? 1 : 0} bool`);
