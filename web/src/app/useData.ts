import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client.js";

export interface Data<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

/**
 * Loads `load()` when `deps` change and again when `refreshKey` changes (a live event), keeping the
 * last data on screen while it reloads. A 404 route_not_found means this server has no such feature.
 */
export function useData<T>(
  load: (() => Promise<T>) | null,
  deps: unknown[],
  refreshKey: unknown = 0,
): Data<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const applied = useRef(0);
  const depsSeq = useRef(0);
  useEffect(() => {
    // New deps (another account): whatever was loading for the old ones is dropped.
    depsSeq.current = seq.current + 1;
    setData(null);
    setError(null);
  }, [...deps]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    if (!load) return;
    const mine = ++seq.current;
    setLoading(true);
    // A live refresh does not cancel a slower load in flight: the newest answer that arrives wins.
    const accept = () => mine >= depsSeq.current && mine > applied.current;
    load().then(
      (value) => {
        if (!accept()) return;
        applied.current = mine;
        setData(value);
        setError(null);
        setLoading(mine !== seq.current);
      },
      (err: unknown) => {
        if (!accept()) return;
        applied.current = mine;
        setError(err instanceof ApiError ? err : new ApiError(0, "client", (err as Error).message));
        setLoading(mine !== seq.current);
      },
    );
  }, [...deps, refreshKey, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** Delays a fast-changing value (live event counters) so a burst of events causes one refetch. */
export function useThrottled<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = Math.max(0, last.current + ms - Date.now());
    const t = setTimeout(() => {
      last.current = Date.now();
      setCurrent(value);
    }, wait);
    return () => clearTimeout(t);
  }, [value, ms]);
  return current;
}
