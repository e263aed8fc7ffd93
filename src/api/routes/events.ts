import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { ServiceEvent } from "../../service/event-bus.js";
import { principalOf } from "../auth/principal.js";
import type { ApiApp, ApiDeps } from "../deps.js";
import { commonErrorResponses } from "../errors.js";

const DEFAULT_HEARTBEAT_MS = 15_000;

const eventsQuery = z.object({
  key: z.string().optional().describe("the API key, for EventSource clients that cannot send headers"),
  lastEventId: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe("resume after this id (or send Last-Event-ID)"),
});

function frame(event: ServiceEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function lastEventId(header: string | string[] | undefined, query: number | undefined): number {
  const text = Array.isArray(header) ? header[0] : header;
  const fromHeader = text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
  return fromHeader ?? query ?? 0;
}

/**
 * Server-sent events of the key's workspace: decisions, proposals, applies, cycle status. A client
 * that reconnects with Last-Event-ID first gets what it missed (while still in the bus's replay
 * buffer), then live events; a comment line every 15 s keeps proxies from closing an idle stream.
 */
export function eventRoutes(app: ApiApp, deps: ApiDeps): void {
  const heartbeatMs = deps.limits?.sseHeartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const open = new Set<ServerResponse>();
  // Open streams never end by themselves: close them so the server can shut down.
  app.addHook("preClose", async () => {
    for (const response of open) response.end();
  });

  app.get(
    "/events",
    {
      config: { action: "events.read", allowQueryKey: true },
      schema: {
        tags: ["events"],
        summary: "Live event stream (text/event-stream) of the workspace; resumes with Last-Event-ID",
        description:
          "Each message has `event: <type>`, `id: <n>` and `data: <ServiceEvent JSON>`. Authenticate with the Authorization header or `?key=`.",
        querystring: eventsQuery,
        response: { ...commonErrorResponses },
      },
    },
    (request, reply) => {
      const { workspaceId } = principalOf(request);
      const after = lastEventId(request.headers["last-event-id"], request.query.lastEventId);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      response.write("retry: 3000\n\n");
      const send = (event: ServiceEvent) => response.write(frame(event));
      // The bus is synchronous: no event can slip between subscribing and replaying, nor arrive twice.
      // Live events are never filtered by id, so a client resuming after a restart (ids start over)
      // still hears everything new.
      const unsubscribe = deps.events.subscribe(workspaceId, send);
      for (const event of deps.events.since(workspaceId, after)) send(event);
      const heartbeat = setInterval(() => response.write(": heartbeat\n\n"), heartbeatMs);
      open.add(response);
      response.on("close", () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
      });
    },
  );
}
