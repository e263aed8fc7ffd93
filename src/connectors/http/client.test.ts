import { describe, expect, it } from "vitest";
import { ConnectorFailure } from "../port.js";
import { HttpClient, type HttpResponse } from "./client.js";
import { kindForStatus, PlatformError } from "./errors.js";
import { TokenSource } from "./tokens.js";

function scripted(statuses: number[]) {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  let i = 0;
  const fetch = async (url: string, init: RequestInit) => {
    seen.push({ url, headers: init.headers as Record<string, string> });
    const status = statuses[Math.min(i++, statuses.length - 1)];
    return new Response(JSON.stringify({ status }), {
      status,
      headers: { "content-type": "application/json" },
    });
  };
  return { fetch, seen };
}

const classify = (r: HttpResponse) =>
  r.status < 400
    ? null
    : new PlatformError(kindForStatus(r.status), "x", { platform: "t", status: r.status });

describe("HttpClient", () => {
  it("retries transient failures with capped exponential backoff and jitter, then succeeds", async () => {
    const { fetch, seen } = scripted([503, 500, 502, 200]);
    const sleeps: number[] = [];
    const client = new HttpClient({
      platform: "t",
      fetch,
      classify,
      sleep: async (ms) => void sleeps.push(ms),
      rng: () => 1,
      maxDelayMs: 1500,
    });
    expect((await client.json<{ status: number }>({ method: "GET", url: "http://x/a" })).status).toBe(200);
    expect(seen).toHaveLength(4);
    expect(sleeps).toEqual([500, 1000, 1500]); // rng 1: the full capped delay
  });

  it("never retries invalid requests, permission or not-found errors", async () => {
    for (const status of [400, 403, 404]) {
      const { fetch, seen } = scripted([status, 200]);
      const client = new HttpClient({ platform: "t", fetch, classify, sleep: async () => {} });
      await expect(client.request({ method: "GET", url: "http://x" })).rejects.toBeInstanceOf(
        ConnectorFailure,
      );
      expect(seen).toHaveLength(1);
    }
  });

  it("gives up after maxAttempts and throws the last failure", async () => {
    const { fetch, seen } = scripted([503]);
    const client = new HttpClient({ platform: "t", fetch, classify, sleep: async () => {}, maxAttempts: 3 });
    const error = await client.request({ method: "GET", url: "http://x" }).catch((e) => e);
    expect(error.kind).toBe("transient");
    expect(seen).toHaveLength(3);
  });

  it("turns network errors into transient failures", async () => {
    let calls = 0;
    const client = new HttpClient({
      platform: "t",
      classify,
      sleep: async () => {},
      fetch: async () => {
        calls++;
        if (calls === 1) throw new TypeError("fetch failed");
        return new Response("{}", { status: 200 });
      },
    });
    await client.request({ method: "GET", url: "http://x" });
    expect(calls).toBe(2);
  });

  it("refreshes the token once on an auth failure and retries with the new one", async () => {
    const { fetch, seen } = scripted([401, 200]);
    let n = 0;
    const tokens = new TokenSource({ accessToken: "old", expiresAt: null }, async () => ({
      accessToken: `new-${++n}`,
      expiresAt: null,
    }));
    const client = new HttpClient({
      platform: "t",
      fetch,
      classify,
      auth: {
        apply: async (r) => ({ ...r, headers: { authorization: `Bearer ${await tokens.token()}` } }),
        refresh: () => tokens.refresh(),
      },
    });
    await client.request({ method: "GET", url: "http://x" });
    expect(seen.map((s) => s.headers.authorization)).toEqual(["Bearer old", "Bearer new-1"]);
  });

  it("encodes query parameters and keeps pre-encoded URL text", async () => {
    const { fetch, seen } = scripted([200]);
    const client = new HttpClient({ platform: "t", fetch, classify });
    await client.request({
      method: "GET",
      url: "http://x/a?list=List(urn%3Ali%3A1)",
      query: { q: "a b", skip: undefined },
    });
    expect(seen[0].url).toBe("http://x/a?list=List(urn%3Ali%3A1)&q=a%20b");
  });

  it("refreshes a token ahead of its expiry, sharing one refresh between concurrent callers", async () => {
    let now = 0;
    let refreshes = 0;
    const tokens = new TokenSource(
      { accessToken: "a", expiresAt: new Date(400_000) },
      async () => ({ accessToken: `b${++refreshes}`, expiresAt: new Date(10_000_000) }),
      { now: () => now },
    );
    expect(await tokens.token()).toBe("a");
    now = 200_000; // within the 5-minute skew
    expect(await Promise.all([tokens.token(), tokens.token()])).toEqual(["b1", "b1"]);
    expect(refreshes).toBe(1);
  });
});
