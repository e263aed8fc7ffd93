import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canTransition, isFinal, PROPOSAL_STATUSES, ProposalTransitionError, transition } from "./status.js";

describe("proposal status machine", () => {
  const at = new Date("2026-03-01T00:00:00Z");
  it("follows proposed -> approved -> applied -> rolled_back and records who and when", () => {
    expect(transition("p1", "proposed", "approved", "ana", at)).toEqual({
      from: "proposed",
      to: "approved",
      actor: "ana",
      at,
      comment: null,
    });
    expect(canTransition("approved", "applied")).toBe(true);
    expect(canTransition("applied", "rolled_back")).toBe(true);
    expect(canTransition("proposed", "rejected")).toBe(true);
    expect(canTransition("proposed", "expired")).toBe(true);
    expect(canTransition("approved", "proposed")).toBe(true); // changed after review
  });
  it("refuses skipping approval, re-deciding and leaving a final state, with a clear message", () => {
    expect(() => transition("p1", "proposed", "applied", "x", at)).toThrow(ProposalTransitionError);
    expect(() => transition("p1", "approved", "approved", "x", at)).toThrow(
      /p1 is approved and cannot become approved \(from approved it can become: applied, failed, expired, proposed\)/,
    );
    expect(() => transition("p1", "rejected", "approved", "x", at)).toThrow(/rejected is final/);
    expect(() => transition("p1", "proposed", "approved", " ", at)).toThrow(/needs an actor/);
  });
  it("never reaches applied without passing approved (property over random walks)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PROPOSAL_STATUSES), { maxLength: 12 }), (targets) => {
        let status: (typeof PROPOSAL_STATUSES)[number] = "proposed";
        let approvedSinceProposed = false;
        for (const to of targets) {
          if (!canTransition(status, to)) continue;
          if (to === "applied") expect(approvedSinceProposed).toBe(true);
          if (to === "proposed") approvedSinceProposed = false;
          if (to === "approved") approvedSinceProposed = true;
          status = to;
        }
        if (isFinal(status)) expect(PROPOSAL_STATUSES.filter((s) => canTransition(status, s))).toEqual([]);
      }),
      { numRuns: 2_000, seed: 6 },
    );
  });
});
