import type { ApiErrorBody } from "./types.js";

/** An error answer of the API (or the network), with the API's code, message and field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export interface Api {
  readonly key: string;
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  send<T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T>;
}

export function withQuery(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    if (body.error) {
      return new ApiError(response.status, body.error.code, body.error.message, body.error.field ?? null);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(
    response.status,
    "http_error",
    `the server answered ${response.status} ${response.statusText}`,
  );
}

/** A small typed fetch layer over the public API: Bearer key, JSON in and out, errors as ApiError. */
export function createApi(key: string, base = ""): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(base + path, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(
        0,
        "network",
        `cannot reach the AdPilot server (${(error as Error).message}); is it running?`,
      );
    }
    if (!response.ok) throw await errorOf(response);
    return (await response.json()) as T;
  };
  return {
    key,
    get: (path, query) => call("GET", withQuery(path, query)),
    send: (method, path, body) => call(method, path, body),
  };
}
