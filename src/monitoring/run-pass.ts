import type { Logger } from "pino";
import type { AdPlatformConnector } from "../connectors/port.js";
import type { EventBus } from "../service/event-bus.js";
import type { Store } from "../store/index.js";
import { DEFAULT_ESCALATION, type EscalationPolicy, escalateOverdue } from "./alerts/actions.js";
import { applyOutcomes, type ReconcileResult } from "./alerts/reconcile.js";
import { type AccountCheckInputs, runAccountChecks } from "./checks/index.js";
import type { CheckOutcome } from "./checks/types.js";
import { probeConnector, recentApiCalls } from "./collect/api-probe.js";
import { localClock } from "./collect/local-clock.js";
import {
  dataQualityInput,
  freshnessInput,
  type LocalNow,
  loopInput,
  type MonitoredAccount,
  mappingInput,
  pacingInput,
} from "./collect/store-inputs.js";
import type { MonitoringMetrics } from "./metrics.js";
import { type DeliveryReport, deliverPending, dispatchAlertEvents } from "./notify/outbox.js";
import type { RouteRule } from "./notify/routing.js";
import type { Notifier } from "./notify/types.js";

export interface MonitoringDeps {
  store: Store;
  bus: EventBus;
  /** The account's platform connector (probed for API health); null/absent skips the API check. */
  connectorFor?(accountId: string): Promise<AdPlatformConnector | null>;
  /** Account-local date and hour; sandbox accounts pass their simulated clock. Default: wall clock in the account's zone. */
  localNow?(account: MonitoredAccount, now: Date): LocalNow;
  notifiers?: Notifier[];
  routes?: RouteRule[];
  escalation?: EscalationPolicy;
  metrics?: MonitoringMetrics;
  log?: Logger;
  /** Backoff between notification retries (tests and the bench inject one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  /** Dashboard URL for absolute links in notifications. */
  baseUrl?: string;
  apiWindowMinutes?: number;
  reportingLagHours?: number;
}

export interface MonitoringPassOptions {
  /** "health": API probes only (every minute); "all": every check (every cycle). */
  scope?: "health" | "all";
  accountIds?: string[];
}

export interface MonitoringPassResult {
  outcomes: CheckOutcome[];
  alerts: ReconcileResult;
  escalated: number;
  delivery: DeliveryReport;
}

const SELECT_ACCOUNTS = `SELECT s.account_id AS "accountId", a.workspace_id AS "workspaceId", a.name, a.platform, a.currency,
  a.time_zone AS "timeZone", s.active AND a.status = 'active' AS active, s.interval_seconds AS "intervalSeconds",
  s.daily_budget_minor AS "dailyBudgetMinor", s.arm_level AS "armLevel", s.consecutive_failures AS "consecutiveFailures",
  s.last_error AS "lastError" FROM service_accounts s JOIN ad_accounts a ON a.id = s.account_id ORDER BY s.account_id`;

/**
 * One monitoring pass: gather inputs (store queries, one API probe per account), run the pure checks,
 * turn outcomes into alerts (open / update / auto-resolve), escalate overdue ones, route new alert
 * events to the notifiers and deliver what is due. The service calls it every minute with
 * scope "health" and after every cycle with scope "all".
 */
export async function runMonitoringPass(
  deps: MonitoringDeps,
  now: Date,
  options: MonitoringPassOptions = {},
): Promise<MonitoringPassResult> {
  const scope = options.scope ?? "all";
  const all = (await deps.store.query<MonitoredAccount>(SELECT_ACCOUNTS)).map((a) => ({
    ...a,
    dailyBudgetMinor: Number(a.dailyBudgetMinor),
  }));
  const accounts = options.accountIds ? all.filter((a) => options.accountIds!.includes(a.accountId)) : all;
  const result: MonitoringPassResult = {
    outcomes: [],
    alerts: { opened: [], updated: [], resolved: [] },
    escalated: 0,
    delivery: { delivered: 0, pending: 0, errors: [] },
  };
  for (const account of accounts) {
    let outcomes: CheckOutcome[];
    try {
      outcomes = await checkAccount(deps, account, now, scope);
    } catch (error) {
      deps.log?.warn(
        { accountId: account.accountId, err: (error as Error).message },
        "monitoring: collecting inputs failed",
      );
      continue;
    }
    const r = await applyOutcomes(deps.store, deps.bus, {
      workspaceId: account.workspaceId,
      timeZone: account.timeZone,
      outcomes,
      now,
    });
    await saveCheckResults(deps.store, account.workspaceId, outcomes, now);
    result.outcomes.push(...outcomes);
    result.alerts.opened.push(...r.opened);
    result.alerts.updated.push(...r.updated);
    result.alerts.resolved.push(...r.resolved);
  }
  result.escalated = (
    await escalateOverdue(deps.store, deps.bus, now, deps.escalation ?? DEFAULT_ESCALATION)
  ).length;
  await dispatchAlertEvents(deps.store, deps.routes ?? [], now);
  if (deps.notifiers && deps.notifiers.length > 0)
    result.delivery = await deliverPending(deps.store, {
      notifiers: deps.notifiers,
      now,
      sleep: deps.sleep,
      baseUrl: deps.baseUrl,
    });
  return result;
}

async function checkAccount(
  deps: MonitoringDeps,
  a: MonitoredAccount,
  now: Date,
  scope: "health" | "all",
): Promise<CheckOutcome[]> {
  const inputs: AccountCheckInputs = {};
  const connector = a.active && deps.connectorFor ? await deps.connectorFor(a.accountId) : null;
  if (connector) {
    const sample = await probeConnector(deps.store, a.accountId, connector, now);
    deps.metrics?.observeApiCall(
      a.platform,
      sample.ok ? "ok" : sample.rateLimited ? "rate_limited" : "error",
    );
    const health = await connector.health().catch(() => null);
    inputs.apiHealth = {
      accountId: a.accountId,
      accountName: a.name,
      platform: a.platform,
      now,
      calls: await recentApiCalls(deps.store, a.accountId, now, deps.apiWindowMinutes ?? 15),
      rateLimitPressure: health?.rateLimitPressure ?? null,
      tokenExpiresAt: health?.tokenExpiresAt ?? null,
    };
  }
  // The loop check is cheap and a crashing loop should page within a minute: it runs on every pass.
  inputs.loop = await loopInput(deps.store, a, now);
  if (scope === "all") {
    const local = deps.localNow ? deps.localNow(a, now) : localClock(now, a.timeZone);
    inputs.pacing = await pacingInput(deps.store, a, local, now, deps.reportingLagHours);
    inputs.mapping = await mappingInput(deps.store, a, local, now);
    const freshness = await freshnessInput(deps.store, a, local, deps.reportingLagHours);
    inputs.dataQuality = await dataQualityInput(
      deps.store,
      a,
      local,
      now,
      inputs.pacing.expectedShareNow,
      freshness,
    );
  }
  return runAccountChecks(inputs);
}

async function saveCheckResults(
  store: Store,
  workspaceId: string,
  outcomes: CheckOutcome[],
  now: Date,
): Promise<void> {
  for (const o of outcomes)
    await store.query(
      `INSERT INTO check_results (workspace_id, account_id, check_name, status, summary, metrics, checked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (workspace_id, account_id, check_name) DO UPDATE SET status = EXCLUDED.status,
         summary = EXCLUDED.summary, metrics = EXCLUDED.metrics, checked_at = EXCLUDED.checked_at`,
      [workspaceId, o.accountId ?? "", o.check, o.status, o.summary, JSON.stringify(o.metrics), now],
    );
}

export interface CheckResultRow {
  accountId: string;
  check: string;
  status: "ok" | "fail" | "skipped";
  summary: string;
  metrics: Record<string, number | null>;
  checkedAt: Date;
}

/** The latest outcome of every check, for `adpilot health` and GET /health/checks. */
export async function latestCheckResults(store: Store, workspaceId: string): Promise<CheckResultRow[]> {
  return store.query<CheckResultRow>(
    `SELECT account_id AS "accountId", check_name AS "check", status, summary, metrics, checked_at AS "checkedAt"
     FROM check_results WHERE workspace_id = $1 ORDER BY account_id, check_name`,
    [workspaceId],
  );
}
