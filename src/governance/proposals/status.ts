/**
 * Proposal lifecycle: proposed -> approved | rejected | expired; approved -> applied | failed | expired;
 * applied -> rolled_back. A proposal whose content changes after review goes back to proposed and
 * needs review again. Every transition records who made it and when.
 */
export const PROPOSAL_STATUSES = [
  "proposed",
  "approved",
  "rejected",
  "expired",
  "applied",
  "failed",
  "rolled_back",
] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

const TRANSITIONS: Readonly<Record<ProposalStatus, readonly ProposalStatus[]>> = {
  proposed: ["approved", "rejected", "expired", "proposed"],
  approved: ["applied", "failed", "expired", "proposed"],
  rejected: [],
  expired: [],
  applied: ["rolled_back"],
  failed: [],
  rolled_back: [],
};

export function allowedTransitions(from: ProposalStatus): readonly ProposalStatus[] {
  return TRANSITIONS[from];
}

export function canTransition(from: ProposalStatus, to: ProposalStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class ProposalTransitionError extends Error {
  readonly from: ProposalStatus;
  readonly to: ProposalStatus;
  constructor(proposalId: string, from: ProposalStatus, to: ProposalStatus) {
    const allowed = TRANSITIONS[from];
    super(
      `proposal ${proposalId} is ${from} and cannot become ${to}` +
        (allowed.length ? ` (from ${from} it can become: ${allowed.join(", ")})` : ` (${from} is final)`),
    );
    this.name = "ProposalTransitionError";
    this.from = from;
    this.to = to;
  }
}

export interface StatusChange {
  from: ProposalStatus;
  to: ProposalStatus;
  actor: string;
  at: Date;
  comment: string | null;
}

/** Validates one transition and returns its record; throws ProposalTransitionError when not allowed. */
export function transition(
  proposalId: string,
  from: ProposalStatus,
  to: ProposalStatus,
  actor: string,
  at: Date,
  comment: string | null = null,
): StatusChange {
  if (!canTransition(from, to)) throw new ProposalTransitionError(proposalId, from, to);
  if (!actor.trim()) throw new Error(`a transition of proposal ${proposalId} needs an actor`);
  return { from, to, actor, at, comment };
}

/** Statuses that end a proposal's life (nothing more will happen to it, except rollback of applied). */
export function isFinal(status: ProposalStatus): boolean {
  return TRANSITIONS[status].length === 0;
}
