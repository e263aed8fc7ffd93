import { formatChange } from "../lib/format.js";

/** One figure with its change against the previous period; `goodWhenUp` colours the change. */
export function Kpi({
  label,
  value,
  change,
  goodWhenUp,
  plan,
  testId,
}: {
  label: string;
  value: string;
  change: number | null;
  goodWhenUp: boolean;
  plan?: string | null;
  testId?: string;
}) {
  const tone =
    change === null || Math.abs(change) < 0.0005 ? "neutral" : change > 0 === goodWhenUp ? "good" : "bad";
  return (
    <div className="kpi" data-testid={testId}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      <div className={`kpi-change ${tone}`}>
        {change !== null && <span aria-hidden="true">{change > 0 ? "▲ " : change < 0 ? "▼ " : ""}</span>}
        {formatChange(change)} <span className="muted">vs previous</span>
      </div>
      {plan && <div className="kpi-plan muted">{plan}</div>}
    </div>
  );
}

export function Meter({
  label,
  fraction,
  detail,
}: {
  label: string;
  fraction: number | null;
  detail: string;
}) {
  const pct = fraction === null ? 0 : Math.min(1.5, Math.max(0, fraction));
  const tone = fraction === null ? "neutral" : fraction > 1.1 ? "bad" : fraction < 0.8 ? "warn" : "good";
  return (
    <div className="meter">
      <div className="meter-head">
        <span>{label}</span>
        <span>{fraction === null ? "no budget set" : `${Math.round(fraction * 100)}% of pace`}</span>
      </div>
      <div className="meter-bar" aria-hidden="true">
        <div className={`meter-fill ${tone}`} style={{ width: `${(pct / 1.5) * 100}%` }} />
        <div className="meter-mark" style={{ left: `${100 / 1.5}%` }} />
      </div>
      <div className="muted small">{detail}</div>
    </div>
  );
}
