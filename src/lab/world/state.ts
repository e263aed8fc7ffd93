import type { LabRng } from "../rng.js";
import type { CompiledWorld } from "./compile.js";

/**
 * Persistent users, structure of arrays: one typed array per attribute, indexed by user.
 * Bytes per user are reported by `bytesPerUser` (the benchmark prints it).
 */
export class UserTable {
  readonly n: number;
  readonly segment: Uint8Array;
  /** Journey stage: 0 UNAWARE, 1 AWARE, 2 CONSIDERING, 3 INTENT, 4 CONVERTED. */
  readonly stage: Uint8Array;
  /** Day of the last touch (exposure, click or organic step), for the journey timeout. */
  readonly lastTouch: Int16Array;
  readonly convertedDay: Int16Array;
  /** Recent exposures, decayed daily: drives per-user creative fatigue. */
  readonly frequency: Float32Array;
  /** 1 + the ad that last moved this user's stage forward in this journey (0 = none). */
  readonly liftAd: Int16Array;
  /** Absolute hour of the scheduled conversion, -1 when none is pending. */
  readonly pendingAt: Int32Array;
  readonly pendingValue: Float32Array;
  readonly pendingAd: Int16Array;
  /** bit 0: incremental (would not have happened without ads). */
  readonly pendingFlags: Uint8Array;
  readonly pendingClick: Int32Array;
  /** Next user in today's per-hour conversion list. */
  readonly convNext: Int32Array;
  /** Evaluation arm (A/B/holdout), 0 by default. */
  readonly arm: Uint8Array;
  /** Per channel: last clicked ad and its absolute hour (what each platform's last-click attribution sees). */
  readonly lastClickAd: Int16Array;
  readonly lastClickHour: Int32Array;
  /** Identities: devices [deviceStart, deviceStart + deviceCount) belong to this person. */
  readonly deviceStart: Int32Array;
  readonly deviceCount: Uint8Array;
  readonly deviceLoggedIn: Uint8Array;

  constructor(cw: CompiledWorld, rng: LabRng) {
    const n = cw.users;
    const C = cw.C;
    this.n = n;
    this.segment = new Uint8Array(n);
    this.stage = new Uint8Array(n);
    this.lastTouch = new Int16Array(n);
    this.convertedDay = new Int16Array(n);
    this.frequency = new Float32Array(n);
    this.liftAd = new Int16Array(n);
    this.pendingAt = new Int32Array(n).fill(-1);
    this.pendingValue = new Float32Array(n);
    this.pendingAd = new Int16Array(n).fill(-1);
    this.pendingFlags = new Uint8Array(n);
    this.pendingClick = new Int32Array(n).fill(-1);
    this.convNext = new Int32Array(n).fill(-1);
    this.arm = new Uint8Array(n);
    this.lastClickAd = new Int16Array(n * C).fill(-1);
    this.lastClickHour = new Int32Array(n * C);
    this.deviceStart = new Int32Array(n);
    this.deviceCount = new Uint8Array(n);
    const cdf = cw.segSampleCdf;
    const extra = cw.devicesPerUser - 1;
    let devices = 0;
    for (let u = 0; u < n; u++) {
      const r = rng.next();
      let s = 0;
      while (r >= cdf[s]! && s < cdf.length - 1) s++;
      this.segment[u] = s;
      // 1 + Binomial(3, extra/3) devices: mean devicesPerUser, at most 4.
      let count = 1;
      for (let i = 0; i < 3; i++) if (rng.next() < extra / 3) count++;
      this.deviceStart[u] = devices;
      this.deviceCount[u] = count;
      devices += count;
    }
    this.deviceLoggedIn = new Uint8Array(devices);
    for (let d = 0; d < devices; d++) this.deviceLoggedIn[d] = rng.next() < cw.loginRate ? 1 : 0;
  }

  /** Ground truth of identity: the person who owns a device id. */
  personOfDevice(device: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.deviceStart[mid]! <= device) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  bytesPerUser(): number {
    let bytes = 0;
    for (const value of Object.values(this)) if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    return bytes / this.n;
  }

  /** Name -> array, for serialisation. */
  arrays(): Record<string, ArrayBufferView> {
    const out: Record<string, ArrayBufferView> = {};
    for (const [key, value] of Object.entries(this)) if (ArrayBuffer.isView(value)) out[key] = value;
    return out;
  }
}
