import { ConnectorFailure } from "../port.js";
import { PlatformError } from "./errors.js";
import { CallStats } from "./stats.js";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpRequest {
  method: "GET" | "POST" | "DELETE";
  /** Absolute URL; `query` is appended. Pre-encoded query text in the URL is kept as is. */
  url: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, the text otherwise, null when empty. */
  body: unknown;
  url: string;
}

/** How a connector authenticates: adds its headers, and refreshes the token when told it expired. */
export interface AuthHooks {
  apply(request: HttpRequest): Promise<HttpRequest>;
  /** Refreshes the access token; false when there is no way to refresh. */
  refresh(): Promise<boolean>;
}

/** Time, randomness and the network, injected so tests are fast and deterministic. */
export interface Runtime {
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1), for backoff jitter. */
  rng?: () => number;
  now?: () => number;
}

export interface HttpClientOptions extends Runtime {
  platform: string;
  /** Turns a response into a typed failure, or null when it is a success. */
  classify(response: HttpResponse): ConnectorFailure | null;
  auth?: AuthHooks;
  /** Runs before every attempt (Meta's pacing from usage headers). */
  beforeRequest?: () => Promise<void>;
  /** Sees every response, successful or not (usage headers). */
  afterResponse?: (response: HttpResponse) => void;
  /** Attempts per call for transient failures (default 5). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A rate-limit wait longer than this is not slept through: the failure surfaces (default 5 min). */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The shared HTTP client: JSON in and out, typed errors through the platform's `classify`, one token
 * refresh and retry on an expired token, and retries with exponential backoff and jitter for
 * transient failures and rate limits only (a rate limit's own retry-after wins when it gives one).
 * Invalid requests, permission and not-found errors are never retried.
 */
export class HttpClient {
  readonly stats = new CallStats();
  private readonly fetchFn: FetchLike;
  readonly sleep: (ms: number) => Promise<void>;
  private readonly rng: () => number;
  readonly now: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? realSleep;
    this.rng = options.rng ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      await this.options.beforeRequest?.();
      const prepared = this.options.auth ? await this.options.auth.apply(request) : request;
      const failure = await this.once(prepared).then(
        (response) => {
          this.options.afterResponse?.(response);
          const f = this.options.classify(response);
          return f ?? response;
        },
        (error: unknown) => this.networkFailure(error),
      );
      if (!(failure instanceof ConnectorFailure)) return failure;
      if (failure.kind === "auth" && !refreshed && isRefreshable(failure) && this.options.auth) {
        refreshed = true;
        if (await this.options.auth.refresh()) {
          attempt--;
          continue;
        }
      }
      if (!failure.transient || attempt >= maxAttempts) throw failure;
      const wait = failure.retryAfterMs ?? this.backoff(attempt);
      if (wait > (this.options.maxRetryAfterMs ?? 300_000)) throw failure;
      await this.sleep(wait);
    }
  }

  /** Convenience: the parsed JSON body of a successful call. */
  async json<T = unknown>(request: HttpRequest): Promise<T> {
    return (await this.request(request)).body as T;
  }

  /** Exponential backoff with "equal jitter": half the capped delay plus a random half. */
  backoff(attempt: number): number {
    const cap = Math.min(
      this.options.maxDelayMs ?? 30_000,
      (this.options.baseDelayMs ?? 500) * 2 ** (attempt - 1),
    );
    return Math.round(cap / 2 + this.rng() * (cap / 2));
  }

  private async once(request: HttpRequest): Promise<HttpResponse> {
    const url = withQuery(request.url, request.query);
    const headers: Record<string, string> = { accept: "application/json", ...request.headers };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(request.form).toString();
    }
    const started = this.now();
    let ok = false;
    try {
      const response = await this.fetchFn(url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000),
      });
      const text = await response.text();
      let parsed: unknown = text === "" ? null : text;
      if (text !== "" && /json/.test(response.headers.get("content-type") ?? "json")) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      ok = response.status < 400;
      return { status: response.status, headers: response.headers, body: parsed, url };
    } finally {
      this.stats.record(ok, this.now() - started);
    }
  }

  private networkFailure(error: unknown): ConnectorFailure {
    if (error instanceof ConnectorFailure) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new PlatformError("transient", `network error: ${message}`, {
      platform: this.options.platform,
      status: 0,
    });
  }
}

function isRefreshable(failure: ConnectorFailure): boolean {
  return failure instanceof PlatformError ? failure.details.refreshable !== false : true;
}

export function withQuery(url: string, query: HttpRequest["query"]): string {
  if (!query) return url;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  if (parts.length === 0) return url;
  return `${url}${url.includes("?") ? "&" : "?"}${parts.join("&")}`;
}
