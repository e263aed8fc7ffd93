import { describe, expect, it } from "vitest";
import { enforceExplorationFloor, explorationMass, greedyFill } from "./exploration.js";

describe("minimum exploration share", () => {
  it("greedy fill respects capacities in score order", () => {
    expect(Array.from(greedyFill([0.1, 0.3, 0.2], [1, 0.5, 0.4]))).toEqual([0.09999999999999998, 0.5, 0.4]);
  });

  it("mixes in the least uniform split that reaches the floor", () => {
    const greedy = [1, 0, 0, 0];
    const uniform = [0.25, 0.25, 0.25, 0.25];
    const { beta, weights } = enforceExplorationFloor([1, 0, 0, 0], uniform, greedy, 0.1);
    expect(explorationMass(weights, greedy)).toBeCloseTo(0.1, 12);
    expect(beta).toBeCloseTo(0.1 / 0.75, 9);
    const already = enforceExplorationFloor([0.6, 0.4, 0, 0], uniform, greedy, 0.1);
    expect(already.beta).toBe(0);
    expect(explorationMass([0.6, 0.4, 0, 0], greedy)).toBeCloseTo(0.4, 12);
  });
});
