import type { AdPlatformConnector } from "../../connectors/port.js";
import { ConnectorFailure } from "../../connectors/port.js";
import type { Store } from "../../store/index.js";
import type { ApiCallSample } from "../checks/api-health.js";

/**
 * One cheap call (listAccounts) per health pass, recorded with its latency; the API health check
 * judges the recent window of these. `elapsed` is injected so tests and the bench use simulated time.
 */
export async function probeConnector(
  store: Store,
  accountId: string,
  connector: AdPlatformConnector,
  now: Date,
  elapsed: () => number = (() => {
    const start = performance.now();
    return () => performance.now() - start;
  })(),
): Promise<ApiCallSample> {
  let sample: ApiCallSample;
  try {
    await connector.listAccounts();
    sample = { at: now, ok: true, latencyMs: Math.round(elapsed()), rateLimited: false, error: null };
  } catch (error) {
    const rateLimited = error instanceof ConnectorFailure && error.kind === "rate_limit";
    sample = {
      at: now,
      ok: false,
      latencyMs: Math.round(elapsed()),
      rateLimited,
      error: (error as Error).message.slice(0, 500),
    };
  }
  await store.query(
    "INSERT INTO monitor_api_calls (account_id, at, ok, latency_ms, rate_limited, error) VALUES ($1, $2, $3, $4, $5, $6)",
    [accountId, now, sample.ok, sample.latencyMs, sample.rateLimited, sample.error],
  );
  return sample;
}

export async function recentApiCalls(
  store: Store,
  accountId: string,
  now: Date,
  windowMinutes: number,
): Promise<ApiCallSample[]> {
  const rows = await store.query<ApiCallSample>(
    `SELECT at, ok, latency_ms AS "latencyMs", rate_limited AS "rateLimited", error FROM monitor_api_calls
     WHERE account_id = $1 AND at > $2 AND at <= $3 ORDER BY at, id`,
    [accountId, new Date(now.getTime() - windowMinutes * 60_000), now],
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}
