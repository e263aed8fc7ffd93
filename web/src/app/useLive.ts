import { useEffect, useReducer } from "react";
import type { ServiceEvent } from "../api/types.js";
import { initialLive, type LiveState, liveReducer } from "../lib/live.js";

const EVENT_TYPES = [
  "cycle.started",
  "cycle.completed",
  "cycle.failed",
  "decision.recorded",
  "proposal.created",
  "proposal.approved",
  "proposal.rejected",
  "proposal.applied",
  "proposal.failed",
  "alert.opened",
  "alert.updated",
  "alert.resolved",
  "lab.progress",
  "mmm.fitted",
];

/**
 * The workspace's server-sent events (`/events?key=`). EventSource reconnects by itself and sends
 * Last-Event-ID, so the server replays what was missed; the reducer drops duplicates.
 */
export function useLive(key: string | null): LiveState {
  const [state, dispatch] = useReducer(liveReducer, initialLive);
  useEffect(() => {
    if (!key) return;
    const source = new EventSource(`/events?key=${encodeURIComponent(key)}`);
    const onEvent = (message: MessageEvent<string>) => {
      try {
        dispatch({ type: "event", event: JSON.parse(message.data) as ServiceEvent });
      } catch {
        // a malformed frame is skipped
      }
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, onEvent as EventListener);
    source.onmessage = onEvent;
    source.onopen = () => dispatch({ type: "connection", state: "open" });
    source.onerror = () =>
      dispatch({
        type: "connection",
        state: source.readyState === EventSource.CLOSED ? "closed" : "connecting",
      });
    return () => source.close();
  }, [key]);
  return state;
}
