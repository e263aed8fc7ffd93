import type { ServiceEvent } from "../api/types.js";

/** The live feed: newest first, bounded, no event twice (reconnects replay what was missed). */
export interface LiveState {
  events: ServiceEvent[];
  lastId: number;
  /** Bumped per topic so pages can refetch what an event changed. */
  versions: Record<LiveTopic, number>;
  connection: "connecting" | "open" | "closed";
}

export type LiveTopic = "decisions" | "proposals" | "cycles" | "alerts" | "lab" | "mmm";

export type LiveAction =
  | { type: "event"; event: ServiceEvent }
  | { type: "connection"; state: LiveState["connection"] };

export const FEED_SIZE = 200;

export const initialLive: LiveState = {
  events: [],
  lastId: 0,
  versions: { decisions: 0, proposals: 0, cycles: 0, alerts: 0, lab: 0, mmm: 0 },
  connection: "connecting",
};

export function topicOf(type: string): LiveTopic | null {
  if (type.startsWith("decision.")) return "decisions";
  if (type.startsWith("proposal.")) return "proposals";
  if (type.startsWith("cycle.")) return "cycles";
  if (type.startsWith("alert.")) return "alerts";
  if (type.startsWith("lab.")) return "lab";
  if (type.startsWith("mmm.")) return "mmm";
  return null;
}

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  if (action.type === "connection") {
    return state.connection === action.state ? state : { ...state, connection: action.state };
  }
  const { event } = action;
  if (state.events.some((e) => e.id === event.id && e.type === event.type)) return state;
  const topic = topicOf(event.type);
  return {
    ...state,
    events: [event, ...state.events].slice(0, FEED_SIZE),
    lastId: Math.max(state.lastId, event.id),
    versions: topic ? { ...state.versions, [topic]: state.versions[topic] + 1 } : state.versions,
  };
}

/** One line a person reads in the feed, e.g. "scale search-brand (92%): ROAS above target". */
export function describeEvent(e: ServiceEvent): string {
  const d = e.data;
  const s = (k: string) => (d[k] === undefined || d[k] === null ? "" : String(d[k]));
  switch (e.type) {
    case "decision.recorded": {
      const conf = typeof d.confidence === "number" ? ` (${Math.round(d.confidence * 100)}%)` : "";
      return `${s("action").toLowerCase()} ${s("armId")}${conf}: ${s("reason")}`;
    }
    case "cycle.started":
      return `cycle ${s("cycleNo")} started (${s("date")} ${s("hour")}:00)`;
    case "cycle.completed":
      return `cycle ${s("cycleNo")} done: ${s("proposals") || 0} proposals, ${s("applied") || 0} applied`;
    case "cycle.failed":
      return `cycle ${s("cycleNo")} failed: ${s("error")}`;
    case "proposal.created":
    case "proposal.approved":
    case "proposal.rejected":
    case "proposal.applied":
    case "proposal.failed":
      return `proposal ${s("proposalId")} ${e.type.slice("proposal.".length)}${d.entityId ? ` (${s("entityId")})` : ""}${d.by ? ` by ${s("by")}` : ""}`;
    case "alert.opened":
    case "alert.updated":
    case "alert.resolved":
      return `alert ${e.type.slice("alert.".length)}: ${s("title") || s("alertId") || s("id")}`;
    case "lab.progress":
      return `lab run ${s("runId")}: ${s("done") || s("progress")}${d.total ? ` / ${s("total")}` : ""}`;
    case "mmm.fitted":
      return `MMM fitted${d.fitId ? ` (fit ${s("fitId")})` : ""}`;
    default:
      return e.type;
  }
}
