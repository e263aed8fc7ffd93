/** Seeded randomness for the whole pure core. See README.md. */
export {
  beta,
  type ChengConstants,
  chengBB,
  chengConstants,
  dirichlet,
  gamma,
  gammaRate,
  logStandardGamma,
  marsagliaTsang,
  standardGamma,
} from "./gamma.js";
export { fillStandardNormal, logNormal, normal, standardNormal } from "./normal.js";
export { binomial, poisson } from "./poisson.js";
export {
  createRng,
  exponential,
  type Rng,
  type RngState,
  shuffle,
  uniform,
  uniformInt,
  uniformOpen,
  Xoshiro128,
} from "./rng.js";
export { erfc, logBeta, logGamma, normalCdf, normalQuantile, regularizedGammaP } from "./special.js";
