import { useSession } from "../app/context.js";
import { Section } from "../components/States.js";
import { formatDateTime } from "../lib/format.js";
import { describeEvent } from "../lib/live.js";

/** The latest events from /events: decisions, proposals, applies, alerts as they happen. */
export function LiveFeed({ filter, limit = 12 }: { filter?: (type: string) => boolean; limit?: number }) {
  const { live } = useSession();
  const events = live.events.filter((e) => !filter || filter(e.type)).slice(0, limit);
  return (
    <Section title="Live activity">
      {events.length === 0 ? (
        <p className="muted">
          {live.connection === "open"
            ? "Connected. New decisions, proposals and alerts appear here as they happen."
            : "Connecting to the live stream…"}
        </p>
      ) : (
        <ul className="feed" aria-live="polite" data-testid="live-feed">
          {events.map((e) => (
            <li key={`${e.id}-${e.type}`} data-type={e.type} data-id={e.id}>
              <span className={`tag ${e.type.split(".")[0]}`}>{e.type}</span> {describeEvent(e)}
              <span className="muted small"> {formatDateTime(e.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
