import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceEvent } from "../../src/service/event-bus.js";
import { type ApiFixture, openApiFixture } from "./fixture.js";

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads an event stream until `done` says it has enough, or the timeout; then disconnects. */
async function readStream(
  url: string,
  headers: Record<string, string>,
  done: (messages: SseMessage[]) => boolean,
  onOpen: () => void = () => {},
  timeoutMs = 15_000,
): Promise<{ status: number; contentType: string | null; messages: SseMessage[] }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(url, { headers, signal: controller.signal });
  const messages: SseMessage[] = [];
  if (res.status !== 200 || !res.body) {
    clearTimeout(timer);
    return { status: res.status, contentType: res.headers.get("content-type"), messages };
  }
  onOpen();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: SseMessage = {};
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) message.comment = line.slice(1).trim();
          else {
            const colon = line.indexOf(":");
            const field = line.slice(0, colon) as "id" | "event" | "data";
            if (["id", "event", "data"].includes(field)) message[field] = line.slice(colon + 1).trim();
          }
        }
        if (message.id || message.comment) messages.push(message);
        end = buffer.indexOf("\n\n");
      }
      if (done(messages)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: res.status, contentType: res.headers.get("content-type"), messages };
}

describe("GET /events (server-sent events over a real socket)", () => {
  let f: ApiFixture;
  let base: string;
  let subscriptions = 0;
  beforeAll(async () => {
    f = await openApiFixture("pglite", { limits: { sseHeartbeatMs: 100 } });
    // Count live subscriptions to prove disconnects clean up.
    const subscribe = f.events.subscribe.bind(f.events);
    f.events.subscribe = (workspaceId, handler) => {
      subscriptions++;
      const off = subscribe(workspaceId, handler);
      return () => {
        subscriptions--;
        off();
      };
    };
    await f.app.listen({ host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => f?.close());

  const publish = (workspaceId: string, n: number): ServiceEvent =>
    f.events.publish({ type: "decision.recorded", workspaceId, accountId: "acc_a", data: { n } });

  it("streams the workspace's published events, never another workspace's, with heartbeats", async () => {
    const result = await readStream(
      `${base}/events`,
      { authorization: `Bearer ${f.a.keys.viewer}` },
      (messages) => messages.some((m) => m.id) && messages.some((m) => m.comment === "heartbeat"),
      () => {
        publish("other", 1);
        publish("default", 2);
      },
    );
    expect(result.status).toBe(200);
    expect(result.contentType).toMatch(/text\/event-stream/);
    const events = result.messages.filter((m) => m.id);
    expect(events).toHaveLength(1);
    expect(events[0].event).toBe("decision.recorded");
    const data = JSON.parse(events[0].data ?? "{}");
    expect(data).toMatchObject({ workspaceId: "default", accountId: "acc_a", data: { n: 2 } });
    expect(events[0].id).toBe(String(data.id));
    expect(result.messages.some((m) => m.comment === "heartbeat")).toBe(true);
  });

  it("resumes after Last-Event-ID (header) or lastEventId, replaying only what was missed", async () => {
    const first = publish("default", 10);
    const second = publish("default", 11);
    publish("other", 12);
    const third = publish("default", 13);
    const result = await readStream(
      `${base}/events`,
      { authorization: `Bearer ${f.a.keys.admin}`, "last-event-id": String(first.id) },
      (messages) => messages.filter((m) => m.id).length >= 2,
    );
    expect(result.messages.filter((m) => m.id).map((m) => Number(m.id))).toEqual([second.id, third.id]);
    const viaQuery = await readStream(
      `${base}/events?key=${f.a.keys.analyst}&lastEventId=${second.id}`,
      {},
      (messages) => messages.filter((m) => m.id).length >= 1,
    );
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.messages.filter((m) => m.id).map((m) => Number(m.id))).toEqual([third.id]);
  });

  it("accepts the key as ?key= for EventSource, refuses missing or bad keys with JSON 401", async () => {
    const ok = await readStream(`${base}/events?key=${f.b.keys.viewer}`, {}, () => true);
    expect(ok.status).toBe(200);
    const missing = await fetch(`${base}/events`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    const bad = await fetch(`${base}/events?key=adp_nope`);
    expect(bad.status).toBe(401);
  });

  it("unsubscribes when the client disconnects", async () => {
    await readStream(`${base}/events`, { authorization: `Bearer ${f.a.keys.viewer}` }, () => true);
    for (let i = 0; i < 50 && subscriptions > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(subscriptions).toBe(0);
  });
});
