/**
 * What every check returns. Checks are pure functions of plain inputs (gathered by ../collect) and
 * never do I/O; the alert manager turns findings into alerts, one open alert per `cause`.
 */
export type Severity = "info" | "warning" | "critical";

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export type CheckName = "api_health" | "pacing" | "mapping" | "loop" | "data_quality";

export interface Link {
  label: string;
  /** Relative to the dashboard/API root, e.g. "/accounts/acc_1/campaigns/cmp-2". */
  href: string;
}

export interface Finding {
  check: CheckName;
  /** Stable cause inside the check ("api_health:errors", "data_quality:anomaly:roas:cmp-2"). */
  cause: string;
  accountId: string | null;
  severity: Severity;
  /** What is wrong, for a person woken at 3 a.m.: "Sandbox API failing for account X". */
  headline: string;
  /** The consequence, when known: "spend is 48% under plan". */
  impact?: string;
  /** Numbers and the time range behind the finding. */
  evidence: Record<string, unknown>;
  suggestedAction: string;
  links: Link[];
}

export interface CheckOutcome {
  check: CheckName;
  accountId: string | null;
  /** skipped: not enough input to judge (then open alerts of this check are left alone). */
  status: "ok" | "fail" | "skipped";
  findings: Finding[];
  /** One line for `adpilot health` and GET /health/checks. */
  summary: string;
  /** Headline numbers for dashboards (success rate, deviation from plan...). */
  metrics: Record<string, number | null>;
}

export function outcome(
  check: CheckName,
  accountId: string | null,
  findings: Finding[],
  summary: string,
  metrics: Record<string, number | null> = {},
  skipped = false,
): CheckOutcome {
  return {
    check,
    accountId,
    status: skipped ? "skipped" : findings.length > 0 ? "fail" : "ok",
    findings,
    summary,
    metrics,
  };
}

export const accountLink = (accountId: string): Link => ({
  label: `account ${accountId}`,
  href: `/accounts/${encodeURIComponent(accountId)}`,
});

export const pct = (x: number): string => `${Math.round(x * 100)}%`;
