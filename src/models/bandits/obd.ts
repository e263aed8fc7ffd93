/**
 * Open Bandit Dataset (Saito et al., arXiv:2008.07146) → logged rounds for off-policy evaluation of
 * the Bernoulli-TS policy from the uniform-random log. Pure: takes the CSV texts, does no I/O.
 *
 * π_e(item | position) is the BTS policy's action distribution during the same week, estimated by
 * the frequency of (item, position) in the BTS log (the policy is context-free). The reward model
 * for DM/DR is a per-(item, position) click rate from the random log, shrunk to an empirical-Bayes
 * Beta prior pooled across cells.
 */
import type { LoggedRound } from "./off-policy.js";
import { betaMean, updateBeta } from "./posteriors.js";
import { empiricalBayesBeta } from "./priors.js";

export interface ObdRow {
  item: number;
  position: number;
  click: number;
  propensity: number;
}

export function parseObdCsv(text: string): ObdRow[] {
  const lines = text.split("\n").filter((l) => l.length > 0);
  const header = lines[0]!.split(",");
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`OBD CSV: no column ${name}`);
    return i;
  };
  const [ci, cp, cc, cs] = [col("item_id"), col("position"), col("click"), col("propensity_score")];
  return lines.slice(1).map((l) => {
    const f = l.split(",");
    return { item: Number(f[ci]), position: Number(f[cp]), click: Number(f[cc]), propensity: Number(f[cs]) };
  });
}

export function obdRounds(randomCsv: string, btsCsv: string): { rounds: LoggedRound[]; truth: number } {
  const random = parseObdCsv(randomCsv);
  const bts = parseObdCsv(btsCsv);
  const nItems = Math.max(...random.map((r) => r.item)) + 1;
  const key = (item: number, pos: number) => (pos - 1) * nItems + item;
  // π_e(item | position) from BTS action frequencies.
  const count = new Float64Array(3 * nItems);
  const perPos = [0, 0, 0];
  for (const r of bts) {
    count[key(r.item, r.position)]!++;
    perPos[r.position - 1]!++;
  }
  const piE = (item: number, pos: number) => count[key(item, pos)]! / perPos[pos - 1]!;
  // Reward model q̂(item, position): empirical-Bayes smoothed CTR from the random log.
  const clicks = new Float64Array(3 * nItems);
  const shows = new Float64Array(3 * nItems);
  for (const r of random) {
    clicks[key(r.item, r.position)]! += r.click;
    shows[key(r.item, r.position)]!++;
  }
  const prior = empiricalBayesBeta(Array.from(shows, (t, k) => ({ successes: clicks[k]!, trials: t })));
  const q = Float64Array.from(shows, (t, k) => betaMean(updateBeta(prior, clicks[k]!, t - clicks[k]!)));
  const dmByPos = [1, 2, 3].map((pos) => {
    let s = 0;
    for (let item = 0; item < nItems; item++) s += piE(item, pos) * q[key(item, pos)]!;
    return s;
  });
  const rounds: LoggedRound[] = random.map((r) => ({
    reward: r.click,
    propensity: r.propensity,
    targetProbability: piE(r.item, r.position),
    modelReward: q[key(r.item, r.position)]!,
    modelTargetValue: dmByPos[r.position - 1]!,
  }));
  const truth = bts.reduce((s, r) => s + r.click, 0) / bts.length;
  return { rounds, truth };
}
