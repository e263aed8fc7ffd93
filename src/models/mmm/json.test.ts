import { describe, expect, it } from "vitest";
import { fitMmm } from "./fit.js";
import { responseModelFromJson, toMmmJson } from "./json.js";
import { simulateFromModel } from "./testdata.js";

describe("MMM JSON", () => {
  it("is plain JSON (non-finite numbers become null) and round-trips the response model", async () => {
    const sim = simulateFromModel(21, 60, 2, { yearlySeasonality: 0 });
    const fit = await fitMmm(sim.input, {
      method: "laplace",
      draws: 50,
      chains: 1,
      seed: 1,
      yearlySeasonality: 0,
    });
    const json = toMmmJson(fit);
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/NaN|Infinity/);
    const back = JSON.parse(text);
    expect(back.diagnostics.maxRhat).toBeNull(); // no R-hat for a Laplace preview
    expect(back.method).toBe("laplace");
    const model = responseModelFromJson(back);
    expect(model.channels.map((c) => c.name)).toEqual(["ch0", "ch1"]);
    expect(model.channels[0].beta.length).toBe(50);
  });

  it("says what is wrong with a file that is not a saved fit", () => {
    expect(() => responseModelFromJson({ hello: 1 })).toThrow(/not a saved MMM fit/);
    expect(() =>
      responseModelFromJson({
        saturation: "logistic",
        yScale: 1,
        targetName: "y",
        channels: [{ name: "a", scale: 1, meanSpend: 1, maxSpend: 1, beta: [1, 2], p0: [1], p1: [0, 0] }],
      }),
    ).toThrow(/channels\.0\.p0: expected 2 draws, got 1/);
  });
});
