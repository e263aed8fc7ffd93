/** Shapes of the public HTTP API the dashboard reads (see GET /openapi.json). Money is in minor units. */

export type Role = "viewer" | "analyst" | "approver" | "admin";
export const ROLE_ORDER: readonly Role[] = ["viewer", "analyst", "approver", "admin"];
export type Mode = "shadow" | "canary" | "live";

export interface Workspace {
  id: string;
  name: string;
  createdAt: string;
}

export interface Account {
  id: string;
  workspaceId: string;
  platform: string;
  externalId: string;
  name: string;
  currency: string;
  timeZone: string;
  status: "active" | "paused" | "removed";
}

export interface PerformanceRow {
  period: string | null;
  key: string;
  label: string;
  currency: string;
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
  ctr: number | null;
  cvr: number | null;
  cpcMinor: number | null;
  cacMinor: number | null;
  roas: number | null;
}

export interface MetricsResponse {
  accountId: string;
  currency: string;
  rows: PerformanceRow[];
  total: PerformanceRow;
}

export interface Campaign {
  externalId: string;
  name: string | null;
  channel: string;
  status: string;
  dailyBudgetMinor: number | null;
  updatedAt: string;
}

export interface ChannelShare {
  channel: string;
  budgetMinor: number;
  share: number;
}

export interface Allocation {
  accountId: string;
  currency: string;
  cycleNo: number | null;
  at: string | null;
  totalBudgetMinor: number;
  channels: (ChannelShare & { currentBudgetMinor: number; source: string | null })[];
  arms: {
    armId: string;
    name: string | null;
    channel: string;
    status: string | null;
    budgetMinor: number;
    share: number;
    currentBudgetMinor: number | null;
  }[];
}

export interface AllocationHistory {
  accountId: string;
  currency: string;
  channels: string[];
  cycles: { cycleNo: number; at: string; totalBudgetMinor: number; channels: ChannelShare[] }[];
}

export interface Interval {
  mean: number | null;
  low: number | null;
  high: number | null;
}

export type DecisionAction = "OBSERVE" | "KILL" | "SCALE" | "MAINTAIN";

export interface Decision {
  cycleNo: number;
  armId: string;
  channel: string;
  action: DecisionAction;
  confidence: number;
  reason: string;
  explanation: string;
  factors: Record<string, unknown>[];
  numbers: Record<string, unknown>;
  posterior: { ctr: Interval | null; cvr: Interval | null; roas: Interval | null };
  fatigue: string | null;
  propensity: number;
  currentBudgetMinor: number | null;
  targetBudgetMinor: number;
  createdAt: string;
}

export interface BudgetChange {
  proposalId: number;
  at: string;
  fromMinor: number | null;
  toMinor: number | null;
  approvedBy: string | null;
  origin: string;
  reason: string;
  status: string;
}

export interface Arm {
  armId: string;
  level: "campaign" | "ad_group";
  name: string | null;
  channel: string;
  status: string | null;
  currentBudgetMinor: number | null;
  allocation: { cycleNo: number; budgetMinor: number; share: number } | null;
  decision: Decision | null;
  budgetChanges: BudgetChange[];
}

export interface Proposal {
  id: number;
  accountId: string;
  entityLevel: string;
  entityId: string;
  campaignId: string;
  kind: string;
  currency: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  requested: Record<string, unknown>;
  budgetChange: {
    beforeMinor: number | null;
    afterMinor: number | null;
    requestedMinor: number | null;
    deltaMinor: number | null;
    deltaPct: number | null;
  } | null;
  guardrailReasons: { rule?: string; message?: string; [k: string]: unknown }[];
  clipped: boolean;
  reason: string;
  factors: Record<string, unknown>[];
  expectedEffect: { valueChangeMinor: number; roasPosteriorMean: number; basis: string } | null;
  mode: string;
  origin: string;
  cycleId: string | null;
  overrideId: number | null;
  createdBy: string;
  createdAt: string;
  revision: number;
  requiresApproval: boolean;
  approvalReasons: string[];
  status: string;
  statusChangedAt: string;
  statusChangedBy: string;
  statusComment: string | null;
  expiresAt: string;
  appliedAt: string | null;
  lastError: string | null;
}

export interface ServiceEvent {
  id: number;
  type: string;
  workspaceId: string;
  accountId: string | null;
  at: string;
  data: Record<string, unknown>;
}

export interface ApiErrorBody {
  error: { code: string; message: string; field: string | null };
}
