import { describe, expect, it } from "vitest";
import { logBeta, logGamma, normalCdf, normalQuantile, regularizedGammaP } from "./special.js";

describe("special functions (reference values from R / scipy)", () => {
  it("logGamma", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 9);
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
  });
  it("normalCdf and normalQuantile", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.6448536269514729, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    expect(() => normalQuantile(2)).toThrow(/p in/);
  });
});

describe("regularizedGammaP", () => {
  it("matches closed forms and scipy.special.gammainc", () => {
    // a = 1: P(1, x) = 1 - e^-x
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(regularizedGammaP(3, 2)).toBeCloseTo(0.3233235838169366, 10);
    expect(regularizedGammaP(10, 15)).toBeCloseTo(0.9301463393005901, 10);
    expect(regularizedGammaP(0.5, 0.1)).toBeCloseTo(0.34527915398142317, 10);
    expect(regularizedGammaP(2, 0)).toBe(0);
  });
});
