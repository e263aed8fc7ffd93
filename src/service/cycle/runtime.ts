import type { AdPlatformConnector } from "../../connectors/port.js";
import type { SqlSession } from "../../store/index.js";

/** What a cycle needs of one account's platform and clock; the composition root builds one per account. */
export interface AccountRuntime {
  readonly connector: AdPlatformConnector;
  /** Account-local date and hour the cycle runs at, and the instant it stands for. */
  now(): { date: string; hour: number; instant: Date };
  /** Simulated platforms move their clock forward by one interval before a cycle. */
  advance?(): void;
  /** Undoes `advance` after a failed cycle so the retry sees the same simulated hour. */
  rollback?(): Promise<void>;
  /**
   * Called once per cycle just before the approved changes are applied. A simulated platform whose
   * saved state predates changes the store recorded as applied (an attempt of this cycle applied them
   * and died before the checkpoint) applies them again here — where the first attempt did — so the
   * world matches an uninterrupted run. Returns how many it applied.
   */
  restoreAppliedChanges?(): Promise<number>;
  /** Saves runtime state (a sandbox world) inside the transaction that completes the cycle. */
  checkpoint?(session: SqlSession, cycleNo: number): Promise<void>;
}

/** Applies budget proposals through governance: guardrails, approval policy, executor. */
export interface ChangeGateway {
  proposeBudgets(input: BudgetProposalBatch): Promise<ProposedChange[]>;
  /** Applies the account's approved proposals; returns how many were applied and failed. */
  applyApproved(accountId: string): Promise<{ applied: number; failed: number }>;
}

export interface BudgetProposalBatch {
  accountId: string;
  cycleId: string;
  level: "campaign" | "ad_group";
  changes: {
    armId: string;
    currentMinor: number;
    targetMinor: number;
    reason: string;
    factors: Record<string, unknown>[];
    averageDailySpendMinor: number | null;
    /** An open proposal of an earlier cycle within this of the target stands instead of a new one. */
    deadbandMinor: number;
  }[];
}

export interface ProposedChange {
  armId: string;
  proposalId: number;
  status: string;
  afterMinor: number | null;
  clipped: boolean;
}
