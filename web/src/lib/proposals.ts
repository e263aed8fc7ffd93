import type { Proposal } from "../api/types.js";

/** The approval queue: proposals waiting for a person, oldest first (they expire first). */
export function pendingQueue(proposals: readonly Proposal[]): Proposal[] {
  return proposals
    .filter((p) => p.status === "proposed")
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
}

/** Removes decided proposals at once (before the refetch), so the queue answers the click immediately. */
export function withoutDecided(queue: readonly Proposal[], decided: readonly number[]): Proposal[] {
  const gone = new Set(decided);
  return queue.filter((p) => !gone.has(p.id));
}

/** Before -> after in words for non-budget kinds (status, bid, creative). */
export function describeChange(p: Proposal): { before: string; after: string } {
  const show = (v: Record<string, unknown>) => {
    if (typeof v.status === "string") return v.status;
    const entries = Object.entries(v);
    return entries.length === 0 ? "–" : entries.map(([k, x]) => `${k}: ${JSON.stringify(x)}`).join(", ");
  };
  return { before: show(p.before), after: show(p.after) };
}

/** Selection for batch approval: toggling, and keeping only ids still in the queue. */
export function toggle(selected: ReadonlySet<number>, id: number): Set<number> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

export function keepPresent(selected: ReadonlySet<number>, queue: readonly Proposal[]): Set<number> {
  const ids = new Set(queue.map((p) => p.id));
  return new Set([...selected].filter((id) => ids.has(id)));
}

/** Time left before a proposal expires, in words. */
export function expiresIn(expiresAt: string, now: Date): string {
  const ms = new Date(expiresAt).getTime() - now.getTime();
  if (!Number.isFinite(ms)) return "–";
  if (ms <= 0) return "expired";
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
}
