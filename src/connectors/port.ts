import type { EntityLevel, EntityStatus } from "../domain/entities.js";
import type { PerformanceFact } from "../domain/performance.js";
import type { Platform } from "../domain/platform.js";

/**
 * The connector port: what AdPilot needs from an ad platform. The sandbox (lab), Google Ads, Meta,
 * TikTok, LinkedIn and the CSV drop all implement it, and one contract suite runs against each.
 * Money crosses the port as integer minor units of the account currency; dates are local to the
 * account's time zone.
 */
export interface AdPlatformConnector {
  readonly platform: Platform;
  /** Ad accounts these credentials can see. */
  listAccounts(): Promise<ConnectorAccount[]>;
  /** Campaigns, ad groups and ads of one account with their current budgets and statuses. */
  listEntities(accountExternalId: string): Promise<ConnectorEntity[]>;
  /** Performance rows for [from, to] inclusive (local dates), daily or hourly. */
  fetchPerformance(request: PerformanceRequest): Promise<PerformanceFact[]>;
  /** Applies one change; must be idempotent for the same idempotency key. */
  applyChange(change: EntityChange): Promise<ChangeResult>;
  health(): Promise<ConnectorHealth>;
}

export interface ConnectorAccount {
  externalId: string;
  name: string;
  currency: string;
  timeZone: string;
}

export interface ConnectorEntity {
  level: EntityLevel;
  externalId: string;
  parentExternalId: string | null;
  name: string;
  status: EntityStatus;
  /** Daily budget in minor units, when the entity carries one. */
  dailyBudgetMinor: number | null;
  bidMinor: number | null;
  /** Channel label used by the MMM (search, social, video, display...). */
  channel: string | null;
}

export interface PerformanceRequest {
  accountExternalId: string;
  from: string;
  to: string;
  granularity: "day" | "hour";
  level: EntityLevel;
}

export type EntityChange =
  | ChangeBase<"daily_budget", { dailyBudgetMinor: number }>
  | ChangeBase<"status", { status: Exclude<EntityStatus, "removed"> }>
  | ChangeBase<"bid", { bidMinor: number }>;

interface ChangeBase<K extends string, V> {
  kind: K;
  accountExternalId: string;
  level: EntityLevel;
  entityExternalId: string;
  value: V;
  idempotencyKey: string;
}

export interface ChangeResult {
  ok: boolean;
  /** The entity's state after the call as the platform reports it. */
  after: { dailyBudgetMinor: number | null; status: EntityStatus; bidMinor: number | null } | null;
  /** The platform's raw answer, for the audit trail. */
  platformResponse: unknown;
  error?: ConnectorError;
}

export type ConnectorErrorKind =
  | "auth"
  | "permission"
  | "rate_limit"
  | "invalid_request"
  | "not_found"
  | "transient";

export interface ConnectorError {
  kind: ConnectorErrorKind;
  message: string;
  retryAfterMs?: number;
}

export class ConnectorFailure extends Error {
  readonly kind: ConnectorErrorKind;
  readonly retryAfterMs: number | undefined;
  constructor(kind: ConnectorErrorKind, message: string, retryAfterMs?: number) {
    super(message);
    this.name = "ConnectorFailure";
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }
  get transient(): boolean {
    return this.kind === "transient" || this.kind === "rate_limit";
  }
}

export interface ConnectorHealth {
  ok: boolean;
  /** Fraction of recent calls that succeeded, 0-1. */
  successRate: number;
  p95LatencyMs: number;
  /** 0-1: how close to the platform's rate limit (usage headers), null if unknown. */
  rateLimitPressure: number | null;
  tokenExpiresAt: Date | null;
  detail?: string;
}
