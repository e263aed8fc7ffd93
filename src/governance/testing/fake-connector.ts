import type {
  AdPlatformConnector,
  ChangeResult,
  ConnectorAccount,
  ConnectorEntity,
  ConnectorErrorKind,
  ConnectorHealth,
  EntityChange,
} from "../../connectors/port.js";
import { ConnectorFailure } from "../../connectors/port.js";
import type { EntityStatus } from "../../domain/entities.js";

/**
 * An in-memory fake of the connector port for governance tests, following its contract: applyChange is
 * idempotent per idempotency key (a repeated key returns the first result and changes nothing), failures
 * are thrown as typed ConnectorFailure. Faults can be scripted per call, including "lost answer": the
 * change is made but the caller sees a transient error, which is what reconciliation must survive.
 */
export type FaultKind = ConnectorErrorKind | "lost_response";

export interface FakeMutation {
  key: string;
  change: EntityChange;
  at: number;
}

export class FakeConnector implements AdPlatformConnector {
  readonly platform = "sandbox" as const;
  private readonly entities = new Map<string, ConnectorEntity>();
  private readonly results = new Map<string, ChangeResult>();
  private readonly faults: FaultKind[] = [];
  /** Every mutation actually made, in order (a replayed idempotency key is not a mutation). */
  readonly mutations: FakeMutation[] = [];
  applyCalls = 0;
  usagePressure: number | null = null;
  /**
   * When false the fake ignores idempotency keys and applies every call (a platform that breaks the
   * contract), so tests can prove that reconciliation alone prevents double applies.
   */
  honourIdempotencyKeys = true;
  /** Called at the start of every applyChange (tests use it to interleave or to crash). */
  onApply: ((change: EntityChange) => void | Promise<void>) | null = null;

  constructor(
    private readonly account: ConnectorAccount,
    entities: ConnectorEntity[],
    private readonly now: () => number = () => 0,
  ) {
    for (const e of entities) this.entities.set(e.externalId, { ...e });
  }

  /** The next calls to applyChange fail with these faults, in order. */
  injectFaults(...faults: FaultKind[]): void {
    this.faults.push(...faults);
  }

  entity(externalId: string): ConnectorEntity | undefined {
    const e = this.entities.get(externalId);
    return e && { ...e };
  }

  timesApplied(idempotencyKey: string): number {
    return this.mutations.filter((m) => m.key === idempotencyKey).length;
  }

  async listAccounts(): Promise<ConnectorAccount[]> {
    return [{ ...this.account }];
  }

  /** Changes an entity behind AdPilot's back (a person in the platform's UI). */
  setEntity(externalId: string, patch: Partial<ConnectorEntity>): void {
    const e = this.entities.get(externalId);
    if (!e) throw new Error(`no entity ${externalId}`);
    Object.assign(e, patch);
  }

  async listEntities(accountExternalId: string): Promise<ConnectorEntity[]> {
    this.assertAccount(accountExternalId);
    return [...this.entities.values()].map((e) => ({ ...e }));
  }

  async fetchPerformance(): Promise<never[]> {
    return [];
  }

  async applyChange(change: EntityChange): Promise<ChangeResult> {
    this.applyCalls++;
    await this.onApply?.(change);
    const previous = this.results.get(change.idempotencyKey);
    if (previous && this.honourIdempotencyKeys) return previous;
    const fault = this.faults.shift();
    if (fault && fault !== "lost_response") {
      throw new ConnectorFailure(
        fault,
        `injected ${fault} failure`,
        fault === "rate_limit" ? 1_000 : undefined,
      );
    }
    this.assertAccount(change.accountExternalId);
    const entity = this.entities.get(change.entityExternalId);
    if (!entity) throw new ConnectorFailure("not_found", `entity ${change.entityExternalId} does not exist`);
    if (change.kind === "daily_budget") {
      if (!Number.isSafeInteger(change.value.dailyBudgetMinor) || change.value.dailyBudgetMinor < 0) {
        throw new ConnectorFailure(
          "invalid_request",
          `invalid daily budget ${change.value.dailyBudgetMinor}`,
        );
      }
      entity.dailyBudgetMinor = change.value.dailyBudgetMinor;
    } else if (change.kind === "bid") {
      entity.bidMinor = change.value.bidMinor;
    } else {
      entity.status = change.value.status as EntityStatus;
    }
    this.mutations.push({ key: change.idempotencyKey, change, at: this.now() });
    const result: ChangeResult = {
      ok: true,
      after: { dailyBudgetMinor: entity.dailyBudgetMinor, status: entity.status, bidMinor: entity.bidMinor },
      platformResponse: { fake: true, mutation: this.mutations.length },
    };
    this.results.set(change.idempotencyKey, result);
    if (fault === "lost_response")
      throw new ConnectorFailure("transient", "injected lost response (the change was made)");
    return result;
  }

  async health(): Promise<ConnectorHealth> {
    return {
      ok: true,
      successRate: 1,
      p95LatencyMs: 1,
      rateLimitPressure: this.usagePressure,
      tokenExpiresAt: null,
    };
  }

  private assertAccount(id: string): void {
    if (id !== this.account.externalId)
      throw new ConnectorFailure("not_found", `account ${id} does not exist`);
  }
}
