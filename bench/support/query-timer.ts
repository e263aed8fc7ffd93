// Wraps a store so every query's time is summed by statement (first words), for finding a bench's hot
// queries: `SERVICE_BENCH_TRACE=1`. Prints the top statements by total time to stderr.
import type { SqlSession, Store } from "../../src/store/index.js";

export interface QueryTimer {
  store: Store;
  reset(): void;
  report(top?: number): string;
}

export function timeQueries(store: Store): QueryTimer {
  const totals = new Map<string, { ms: number; n: number }>();
  const timed = async <T>(text: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const key = text.replace(/\s+/g, " ").trim().slice(0, 90);
      const t = totals.get(key) ?? { ms: 0, n: 0 };
      t.ms += performance.now() - started;
      t.n++;
      totals.set(key, t);
    }
  };
  const wrapSession = (s: SqlSession): SqlSession => ({
    ...s,
    query: (text, params) => timed(text, () => s.query(text, params)),
  });
  return {
    store: {
      ...store,
      query: (text, params) => timed(text, () => store.query(text, params)),
      transaction: (work) => store.transaction((s) => work(wrapSession(s))),
      close: () => store.close(),
    },
    reset: () => totals.clear(),
    report(top = 60) {
      return [...totals.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, top)
        .map(([k, t]) => `${t.ms.toFixed(0).padStart(8)} ms ${String(t.n).padStart(7)}x  ${k}`)
        .join("\n");
    },
  };
}
