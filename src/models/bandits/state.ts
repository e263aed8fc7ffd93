/**
 * Versioned JSON state for everything the bandits learn, so the service can persist it and restore
 * it exactly (numbers round-trip bit for bit through JSON.stringify / JSON.parse).
 *
 *   { "schema": "adpilot.bandit-state", "version": 1, "arms": { "<id>": { "posterior": …, "window": … } },
 *     "linear": …, "delay": …, "rng": [u32, u32, u32, u32] }
 *
 * Parsing validates with zod and reports what is wrong and where; a newer version than this code
 * knows is refused rather than half-read. Bump `BANDIT_STATE_VERSION` and add a migration step in
 * `migrate` when the shape changes.
 */
import { z } from "zod";
import type { RngState } from "../random/rng.js";
import type { DelayModel } from "./delayed-feedback.js";
import type { LinearThompsonState } from "./linear-thompson.js";
import type { Posterior } from "./posteriors.js";
import type { SlidingWindow } from "./sliding-window.js";

export const BANDIT_STATE_SCHEMA = "adpilot.bandit-state";
export const BANDIT_STATE_VERSION = 1;

export interface ArmState {
  readonly posterior: Posterior;
  readonly window?: SlidingWindow;
}

export interface BanditState {
  readonly schema: typeof BANDIT_STATE_SCHEMA;
  readonly version: typeof BANDIT_STATE_VERSION;
  readonly arms: Readonly<Record<string, ArmState>>;
  readonly linear?: LinearThompsonState;
  readonly delay?: DelayModel;
  readonly rng?: RngState;
}

const pos = z.number().positive().finite();
const nonNeg = z.number().nonnegative().finite();
const finite = z.number().finite();

const posteriorSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("beta"), alpha: pos, beta: pos, priorAlpha: pos, priorBeta: pos }),
  z.object({ kind: z.literal("gamma"), shape: pos, rate: pos, priorShape: pos, priorRate: pos }),
  z.object({
    kind: z.literal("lognormal"),
    m: finite,
    kappa: pos,
    a: pos,
    b: pos,
    prior: z.object({ m: finite, kappa: pos, a: pos, b: pos }),
  }),
  z.object({
    kind: z.literal("normal"),
    m: finite,
    kappa: pos,
    a: pos,
    b: pos,
    prior: z.object({ m: finite, kappa: pos, a: pos, b: pos }),
  }),
]);

const windowSchema = z.object({
  size: z.number().int().min(1),
  buckets: z.array(z.object({ period: finite, successes: nonNeg, trials: nonNeg, exposure: nonNeg })),
});

const u32 = z.number().int().min(0).max(0xffffffff);

const stateSchema = z.object({
  schema: z.literal(BANDIT_STATE_SCHEMA),
  version: z.literal(BANDIT_STATE_VERSION),
  arms: z.record(
    z.string().min(1),
    z.object({ posterior: posteriorSchema, window: windowSchema.optional() }),
  ),
  linear: z
    .object({
      dimension: z.number().int().min(1),
      v: finite,
      lambda: pos,
      arms: z.array(z.object({ covInv: z.array(finite), f: z.array(finite) })),
    })
    .optional(),
  delay: z.object({ conversionRate: nonNeg, delayRate: z.number(), iterations: z.number().int() }).optional(),
  rng: z.tuple([u32, u32, u32, u32]).optional(),
});

export function emptyBanditState(): BanditState {
  return { schema: BANDIT_STATE_SCHEMA, version: BANDIT_STATE_VERSION, arms: {} };
}

export function serializeBanditState(state: BanditState): string {
  stateSchema.parse(state);
  return JSON.stringify(state);
}

/** Bring older versions up to the current one (only version 1 exists so far). */
function migrate(raw: Record<string, unknown>): unknown {
  const version = raw.version;
  if (typeof version !== "number") return raw;
  if (version > BANDIT_STATE_VERSION) {
    throw new Error(
      `bandit state version ${version} is newer than this AdPilot understands (${BANDIT_STATE_VERSION}); upgrade AdPilot before loading it`,
    );
  }
  return raw;
}

export function parseBanditState(json: string): BanditState {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`bandit state is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null) throw new Error("bandit state must be a JSON object");
  const result = stateSchema.safeParse(migrate(raw as Record<string, unknown>));
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`invalid bandit state: ${issues}`);
  }
  const state = result.data as BanditState;
  if (state.linear) {
    const d = state.linear.dimension;
    state.linear.arms.forEach((a, k) => {
      if (a.covInv.length !== d * d || a.f.length !== d) {
        throw new Error(
          `invalid bandit state: linear.arms.${k} must have a ${d}×${d} covInv and ${d} f values`,
        );
      }
    });
  }
  return state;
}
