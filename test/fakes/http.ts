import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as a fake server sees it. */
export interface FakeRequest {
  method: string;
  /** Path without the query string, percent-escapes kept. */
  path: string;
  /** The raw query text after "?" (Rest.li and JSON params need it unparsed). */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
}

export type FakeHandler = (request: FakeRequest, origin: string) => FakeReply | Promise<FakeReply>;

export interface RunningFake {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Every request received, in order (tests assert on headers and bodies). */
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** Starts a node:http server on 127.0.0.1 and a random port. */
export async function startFake(handler: FakeHandler, port = 0): Promise<RunningFake> {
  const requests: FakeRequest[] = [];
  let origin = "";
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const [path, rawQuery = ""] = (req.url ?? "/").split("?", 2) as [string, string?];
      const request: FakeRequest = {
        method: req.method ?? "GET",
        path,
        rawQuery,
        query: new URLSearchParams(rawQuery),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      let reply: FakeReply;
      try {
        reply = await handler(request, origin);
      } catch (error) {
        reply = { status: 500, body: { fakeError: (error as Error).message } };
      }
      const status = reply.status ?? 200;
      const text =
        reply.body === undefined
          ? ""
          : typeof reply.body === "string"
            ? reply.body
            : JSON.stringify(reply.body);
      res.writeHead(status, {
        ...(text !== "" ? { "content-type": "application/json; charset=UTF-8" } : {}),
        ...reply.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actualPort = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${actualPort}`;
  return {
    origin,
    port: actualPort,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Faults a test queues for the next matching requests: each answers instead of the real route
 * `times` times, then is gone.
 */
export class FaultQueue {
  private readonly faults: { match: (r: FakeRequest) => boolean; reply: FakeReply; times: number }[] = [];

  inject(match: string | RegExp | ((r: FakeRequest) => boolean), reply: FakeReply, times = 1): void {
    const fn =
      typeof match === "function"
        ? match
        : typeof match === "string"
          ? (r: FakeRequest) => r.path.includes(match)
          : (r: FakeRequest) => match.test(r.path);
    this.faults.push({ match: fn, reply, times });
  }

  take(request: FakeRequest): FakeReply | undefined {
    const index = this.faults.findIndex((f) => f.match(request));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.times--;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault.reply;
  }
}

/** Every date from `from` to `to` inclusive (ISO). */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

export function header(request: FakeRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
