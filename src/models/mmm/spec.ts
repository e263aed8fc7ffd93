/**
 * The prepared, scaled model: everything the log-density needs, as plain data that can be sent to
 * worker threads (structured clone). Built from an `MmmInput` by `prepareModel` (data.ts).
 */
import type { Prior } from "./priors.js";
import type { AdstockKind, SaturationKind } from "./transforms.js";

export interface ChannelSpec {
  name: string;
  /** Spend divided by its maximum absolute value (PyMC-Marketing's max scaling). */
  x: Float64Array;
  /** The maximum absolute spend (x = spend / scale). */
  scale: number;
  adstockPriors: Prior[];
  saturationPriors: Prior[];
  betaPrior: Prior;
}

export interface LiftSpec {
  channel: number;
  /** Scaled spend level and increment. */
  x: number;
  dx: number;
  /** Scaled lift per period and its standard error. */
  dy: number;
  sigma: number;
}

export interface ModelSpec {
  /** Number of periods; the likelihood uses the first `nTrain`. */
  n: number;
  nTrain: number;
  /** Target divided by `yScale` (its maximum absolute value over the training periods). */
  y: Float64Array;
  yScale: number;
  /** Linear terms (intercept, trend, Fourier, controls): column j is linX[j*n .. j*n+n). */
  linNames: string[];
  linX: Float64Array;
  linPriors: Prior[];
  /** Scale each linear column was divided by (1 for intercept/trend/Fourier). */
  linScales: number[];
  channels: ChannelSpec[];
  adstock: AdstockKind;
  lMax: number;
  saturation: SaturationKind;
  likelihood: "normal" | "studentT";
  sigmaPrior: Prior;
  nuPrior: Prior;
  lift: LiftSpec[];
}
