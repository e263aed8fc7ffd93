import { EventEmitter } from "node:events";

/** What live clients (the /events stream, the dashboard, the demo's terminal) hear about. */
export type ServiceEventType =
  | "cycle.started"
  | "cycle.completed"
  | "cycle.failed"
  | "decision.recorded"
  | "proposal.created"
  | "proposal.approved"
  | "proposal.rejected"
  | "proposal.applied"
  | "proposal.failed"
  | "alert.opened"
  | "alert.updated"
  | "alert.resolved"
  | "lab.progress"
  | "mmm.fitted";

export interface ServiceEvent {
  /** Monotonic per process; clients resume with Last-Event-ID. */
  id: number;
  type: ServiceEventType;
  workspaceId: string;
  accountId: string | null;
  at: string;
  data: Record<string, unknown>;
}

export interface EventBus {
  publish(event: Omit<ServiceEvent, "id" | "at"> & { at?: string }): ServiceEvent;
  /** Calls `handler` for every later event of `workspaceId`; returns an unsubscribe function. */
  subscribe(workspaceId: string, handler: (event: ServiceEvent) => void): () => void;
  /** Events of `workspaceId` after `lastId` still in the replay buffer (for reconnecting clients). */
  since(workspaceId: string, lastId: number): ServiceEvent[];
}

/** In-process bus with a bounded replay buffer. */
export function createEventBus(replaySize = 1000): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const buffer: ServiceEvent[] = [];
  let nextId = 1;
  return {
    publish(input) {
      const event: ServiceEvent = { ...input, id: nextId++, at: input.at ?? new Date().toISOString() };
      buffer.push(event);
      if (buffer.length > replaySize) buffer.shift();
      emitter.emit(event.workspaceId, event);
      return event;
    },
    subscribe(workspaceId, handler) {
      emitter.on(workspaceId, handler);
      return () => emitter.off(workspaceId, handler);
    },
    since(workspaceId, lastId) {
      return buffer.filter((e) => e.workspaceId === workspaceId && e.id > lastId);
    },
  };
}
