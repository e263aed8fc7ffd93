import { useEffect, useMemo, useState } from "react";
import { ApiError } from "../api/client.js";
import { roleAtLeast } from "../api/role.js";
import type { Proposal } from "../api/types.js";
import { useSession } from "../app/context.js";
import { useData, useThrottled } from "../app/useData.js";
import { Empty, ErrorState, Loaded, Section } from "../components/States.js";
import { formatDateTime, formatMoney, formatPercent } from "../lib/format.js";
import {
  describeChange,
  expiresIn,
  keepPresent,
  pendingQueue,
  toggle,
  withoutDecided,
} from "../lib/proposals.js";

/** The proposal queue: before/after, reason, guardrail clips, expected effect; approve / reject / batch. */
export function ApprovalsPage() {
  const { api, role, live, account } = useSession();
  const canDecide = roleAtLeast(role, "approver");
  const refresh = useThrottled(live.versions.proposals + live.versions.cycles, 1500);
  const queue = useData(
    () => api.get<{ proposals: Proposal[] }>("/proposals", { status: "proposed", limit: 200 }),
    [api],
    refresh,
  );
  const [decided, setDecided] = useState<number[]>([]);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const items = useMemo(
    () => withoutDecided(pendingQueue(queue.data?.proposals ?? []), decided),
    [queue.data, decided],
  );
  useEffect(() => setSelected((s) => keepPresent(s, items)), [items]);

  const act = async (ids: number[], run: () => Promise<unknown>, done: string) => {
    setFailure(null);
    try {
      await run();
      setDecided((d) => [...d, ...ids]);
      setNotice(done);
      queue.reload();
    } catch (e) {
      setFailure(e instanceof ApiError ? e : new ApiError(0, "client", (e as Error).message));
    }
  };
  const approve = (p: Proposal) =>
    act([p.id], () => api.send("POST", `/proposals/${p.id}/approve`, {}), `Proposal ${p.id} approved.`);
  const reject = (p: Proposal, comment: string) =>
    act(
      [p.id],
      () => api.send("POST", `/proposals/${p.id}/reject`, { comment }),
      `Proposal ${p.id} rejected.`,
    );
  const approveBatch = () => {
    const ids = [...selected];
    return act(
      ids,
      () => api.send("POST", "/proposals/approve", { ids }),
      `${ids.length} proposals approved.`,
    );
  };

  return (
    <div className="page">
      <h1>Approvals</h1>
      {!canDecide && (
        <p className="notice" data-testid="read-only">
          Your key's role is <strong>{role}</strong>: you can see the queue, but approving needs an approver
          or admin key.
        </p>
      )}
      {notice && (
        <p className="notice ok" role="status">
          {notice}
        </p>
      )}
      {failure && <ErrorState error={failure} what="that decision" />}
      <Loaded data={queue} what="the approval queue">
        {() =>
          items.length === 0 ? (
            <Empty title="Nothing waits for approval.">
              {account
                ? "In live or canary mode with auto-approval, changes inside the guardrails go through by themselves; in shadow mode every change lands here."
                : "Proposals appear here when the optimizer wants a change that needs a person."}
            </Empty>
          ) : (
            <Section
              title={`${items.length} waiting`}
              actions={
                canDecide && (
                  <div className="row">
                    <button type="button" onClick={() => setSelected(new Set(items.map((p) => p.id)))}>
                      Select all
                    </button>
                    <button
                      type="button"
                      className="primary"
                      disabled={selected.size === 0}
                      onClick={() => void approveBatch()}
                      data-testid="approve-selected"
                    >
                      Approve selected ({selected.size})
                    </button>
                  </div>
                )
              }
            >
              <ul className="proposals" data-testid="queue">
                {items.map((p) => (
                  <ProposalCard
                    key={p.id}
                    p={p}
                    canDecide={canDecide}
                    selected={selected.has(p.id)}
                    onSelect={() => setSelected((s) => toggle(s, p.id))}
                    onApprove={() => void approve(p)}
                    onReject={(c) => void reject(p, c)}
                  />
                ))}
              </ul>
            </Section>
          )
        }
      </Loaded>
    </div>
  );
}

function ProposalCard({
  p,
  canDecide,
  selected,
  onSelect,
  onApprove,
  onReject,
}: {
  p: Proposal;
  canDecide: boolean;
  selected: boolean;
  onSelect(): void;
  onApprove(): void;
  onReject(comment: string): void;
}) {
  const [rejecting, setRejecting] = useState(false);
  const [comment, setComment] = useState("");
  const b = p.budgetChange;
  const change = b ? null : describeChange(p);
  return (
    <li className="proposal" data-testid="proposal" data-id={p.id}>
      <div className="proposal-head">
        {canDecide && (
          <input
            type="checkbox"
            checked={selected}
            onChange={onSelect}
            aria-label={`Select proposal ${p.id}`}
          />
        )}
        <strong>
          #{p.id} {p.kind.replace("_", " ")} · {p.entityLevel} {p.entityId}
        </strong>
        <span className="muted small">
          {p.origin} · {p.mode} · {formatDateTime(p.createdAt)} · expires in{" "}
          {expiresIn(p.expiresAt, new Date())}
        </span>
      </div>
      <div className="proposal-body">
        <div className="before-after">
          {b ? (
            <>
              <span>{formatMoney(b.beforeMinor, p.currency, { cents: true })}</span>
              <span aria-hidden="true"> → </span>
              <span className="sr-only"> to </span>
              <strong>{formatMoney(b.afterMinor, p.currency, { cents: true })}</strong>
              {b.deltaPct !== null && (
                <span className={b.deltaPct >= 0 ? "up" : "down"}>
                  {" "}
                  ({b.deltaPct >= 0 ? "+" : "−"}
                  {formatPercent(Math.abs(b.deltaPct))})
                </span>
              )}
              <span className="muted small"> per day</span>
            </>
          ) : (
            <>
              {change?.before} → <strong>{change?.after}</strong>
            </>
          )}
        </div>
        <p>{p.reason}</p>
        {p.clipped && (
          <ul className="clips" aria-label="Guardrail clips">
            {p.guardrailReasons.map((r, i) => (
              <li key={`${r.rule ?? i}`}>
                <span className="tag warn">{r.rule ?? "guardrail"}</span> {r.message}
              </li>
            ))}
            {b?.requestedMinor != null && (
              <li className="muted small">
                asked for {formatMoney(b.requestedMinor, p.currency, { cents: true })}
              </li>
            )}
          </ul>
        )}
        {p.expectedEffect && (
          <p className="small">
            Expected effect:{" "}
            <strong>
              {p.expectedEffect.valueChangeMinor >= 0 ? "+" : ""}
              {formatMoney(p.expectedEffect.valueChangeMinor, p.currency)}
            </strong>{" "}
            value per day <span className="muted">({p.expectedEffect.basis})</span>
          </p>
        )}
        {p.approvalReasons.length > 0 && (
          <p className="muted small">Needs a person: {p.approvalReasons.join("; ")}</p>
        )}
      </div>
      {canDecide && (
        <div className="row">
          <button type="button" className="primary" onClick={onApprove} data-testid="approve">
            Approve
          </button>
          {rejecting ? (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                if (comment.trim()) onReject(comment.trim());
              }}
            >
              <label className="sr-only" htmlFor={`reject-${p.id}`}>
                Why reject?
              </label>
              <input
                id={`reject-${p.id}`}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
                placeholder="Why? (required)"
                required
              />
              <button type="submit" className="danger" disabled={!comment.trim()}>
                Reject
              </button>
              <button type="button" onClick={() => setRejecting(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <button type="button" onClick={() => setRejecting(true)}>
              Reject…
            </button>
          )}
        </div>
      )}
    </li>
  );
}
