import { FaultPlan } from "./faults.js";
import type { Scenario } from "./scenario/schema.js";
import { dateOfDay } from "./world/calendar.js";
import { compileScenario } from "./world/compile.js";
import { restoreWorldWithExtra, snapshotWorld } from "./world/snapshot.js";
import { World } from "./world/world.js";

/** Throttle rate delivery freezes at while a stuck_pacing fault is active. */
export const STUCK_PACING_RATE = 0.02;

/**
 * A persistent simulated ad platform for the service and the demo: a World plus a simulated clock
 * (local date and hour of the scenario's time zone) and fault switches. Step it hour by hour or day
 * by day; serialise it to bytes and restore it to resume the same world.
 */
export class SandboxWorld {
  constructor(
    readonly world: World,
    readonly faults: FaultPlan,
  ) {}

  static create(scenario: Scenario, options: { users?: number; seed?: number } = {}): SandboxWorld {
    const cw = compileScenario(scenario, { users: options.users ?? scenario.population.users });
    return new SandboxWorld(new World(cw, options.seed ?? 1), new FaultPlan(scenario.faults));
  }

  static restore(bytes: Uint8Array): SandboxWorld {
    return SandboxWorld.restoreWithNotes(bytes).sandbox;
  }

  /** Restores, also returning the notes the snapshot was serialised with. */
  static restoreWithNotes(bytes: Uint8Array): { sandbox: SandboxWorld; notes: Record<string, unknown> } {
    const { world, extra } = restoreWorldWithExtra(bytes);
    const { faults, ...notes } = (extra ?? {}) as {
      faults?: Parameters<typeof FaultPlan.fromJSON>[1];
    } & Record<string, unknown>;
    return {
      sandbox: new SandboxWorld(world, FaultPlan.fromJSON(world.cw.scenario.faults, faults ?? [])),
      notes,
    };
  }

  /** The world's bytes; `notes` (plain JSON) travel with them and come back from `restoreWithNotes`. */
  serialize(notes: Record<string, unknown> = {}): Uint8Array {
    return snapshotWorld(this.world, { ...notes, faults: this.faults.toJSON() });
  }

  get scenario(): Scenario {
    return this.world.cw.scenario;
  }

  /** The simulated clock: the hour about to be simulated (everything before it has happened). */
  get clock(): { date: string; hour: number; absoluteHour: number } {
    return {
      date: dateOfDay(this.scenario.startDate, this.world.day),
      hour: this.world.hour,
      absoluteHour: this.world.now,
    };
  }

  stepHour(): void {
    const date = this.clock.date;
    this.world.stuckPacing = this.faults.active("stuck_pacing", date) ? STUCK_PACING_RATE : null;
    this.world.stepHour();
  }

  stepHours(hours: number): void {
    for (let i = 0; i < hours; i++) this.stepHour();
  }

  stepDay(): void {
    do this.stepHour();
    while (this.world.hour !== 0);
  }

  stepDays(days: number): void {
    for (let i = 0; i < days; i++) this.stepDay();
  }

  /** Advance until the clock reads `date` at `hour` (no-op if already past). */
  advanceTo(date: string, hour = 0): void {
    const target =
      (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${this.scenario.startDate}T00:00:00Z`)) / 3_600_000 +
      hour;
    while (this.world.now < target) this.stepHour();
  }
}
