/**
 * The posterior response model the budget optimizer works on: for each channel, posterior draws of the
 * saturation curve, so that the steady-state response per period to a constant spend b is
 *   R_c(b) = yScale * beta_c * s_c(b / scale_c)
 * (normalised adstock leaves a constant spend level unchanged, so carry-over is counted in full).
 * Plain data: it is part of the JSON result and can be saved and reloaded for `mmm optimize`.
 */
import { type SaturationKind, saturate, saturateSlope } from "./transforms.js";

export interface ResponseChannel {
  name: string;
  /** Spend scale (the maximum spend per period in the data). */
  scale: number;
  /** Mean spend per period in the data (the default "current" allocation). */
  meanSpend: number;
  /** Largest spend per period seen in the data. */
  maxSpend: number;
  beta: number[];
  /** Saturation parameters: lambda (logistic) or kappa (Hill). */
  p0: number[];
  /** Hill slope (unused for logistic). */
  p1: number[];
}

export interface MmmResponseModel {
  saturation: SaturationKind;
  /** Target units per unit of the scaled target. */
  yScale: number;
  targetName: string;
  channels: ResponseChannel[];
}

/** Response per period (target units) of channel c at spend b for draw d. */
export function channelResponse(m: MmmResponseModel, c: number, d: number, b: number): number {
  const ch = m.channels[c];
  return m.yScale * ch.beta[d] * saturate(m.saturation, b / ch.scale, ch.p0[d], ch.p1[d]);
}

/** d response / d spend of channel c at spend b for draw d. */
export function channelResponseSlope(m: MmmResponseModel, c: number, d: number, b: number): number {
  const ch = m.channels[c];
  return (m.yScale * ch.beta[d] * saturateSlope(m.saturation, b / ch.scale, ch.p0[d], ch.p1[d])) / ch.scale;
}

export function responseDraws(m: MmmResponseModel): number {
  return m.channels.length > 0 ? m.channels[0].beta.length : 0;
}
