import { describe, expect, it } from "vitest";
import { combineStatements, combineWithin, valuesList } from "./statements.js";

describe("combineStatements", () => {
  it("renumbers each statement's placeholders after the ones before it", () => {
    const combined = combineStatements([
      { text: "INSERT INTO a VALUES ($1, $2)", values: [1, 2] },
      { text: "UPDATE b SET x = $2 WHERE id = $1", values: ["id", "x"] },
    ]);
    expect(combined).toEqual({
      text: "WITH s1 AS (INSERT INTO a VALUES ($1, $2)),\ns2 AS (UPDATE b SET x = $4 WHERE id = $3) SELECT 1",
      values: [1, 2, "id", "x"],
    });
    // $10 must not be read as $1 followed by 0
    const wide = combineStatements([
      { text: "SELECT $1", values: [0] },
      { text: "SELECT $10, $1", values: Array.from({ length: 10 }, (_, i) => i) },
    ]);
    expect(wide?.text).toContain("SELECT $11, $2");
    expect(combineStatements([])).toBeNull();
  });

  it("groups statements under a parameter budget, in order", () => {
    const st = (n: number) => ({
      text: "INSERT INTO t VALUES ($1)",
      values: Array.from({ length: n }, () => 0),
    });
    const groups = combineWithin([st(4), st(4), st(4)], 9);
    expect(groups.map((g) => g.values.length)).toEqual([8, 4]);
    expect(combineWithin([st(20)], 9)).toHaveLength(1); // one statement alone is never split
  });
});

describe("valuesList", () => {
  it("numbers the rows' placeholders in order", () => {
    expect(
      valuesList([
        [1, "a"],
        [2, "b"],
      ]),
    ).toEqual({ sql: "($1, $2), ($3, $4)", values: [1, "a", 2, "b"] });
  });
});
