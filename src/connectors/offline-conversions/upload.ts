import type { Store } from "../../store/index.js";
import {
  HttpClient,
  type HttpResponse,
  kindForStatus,
  PlatformError,
  type Runtime,
  type TokenSource,
} from "../http/index.js";
import { classifyMeta } from "../meta/errors.js";
import { buildDataManagerIngest, DATA_MANAGER_BASE_URL, type IngestOptions } from "./google.js";
import { buildCapiEvents, type CapiOptions } from "./meta.js";
import type { OfflineConversion } from "./types.js";

export type UploadMode = "shadow" | "live";

export interface UploadLogger {
  info(obj: object, msg?: string): void;
}

export interface UploadResult {
  mode: UploadMode;
  batches: number;
  events: number;
  /** Ids of the offline_conversion_uploads rows written. */
  logIds: number[];
  responses: unknown[];
}

interface LogEntry {
  workspaceId: string;
  platform: "google" | "meta";
  destination: string;
  mode: UploadMode;
  payload: Record<string, unknown>;
  events: number;
}

async function logUpload(
  store: Store,
  e: LogEntry,
  status: string,
  response: unknown,
  error?: string,
): Promise<number> {
  const [row] = await store.query<{ id: number }>(
    `INSERT INTO offline_conversion_uploads (workspace_id, platform, destination, mode, event_count, payload, response, status, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      e.workspaceId,
      e.platform,
      e.destination,
      e.mode,
      e.events,
      JSON.stringify(e.payload),
      response === undefined ? null : JSON.stringify(response),
      status,
      error ?? null,
    ],
  );
  return Number(row.id);
}

export interface CommonUploadOptions extends Runtime {
  store: Store;
  workspaceId?: string;
  /** "shadow" (default): build and log the payloads for review, send nothing. */
  mode?: UploadMode;
  log?: UploadLogger;
}

async function run(
  options: CommonUploadOptions,
  platform: "google" | "meta",
  destination: string,
  bodies: Record<string, unknown>[],
  count: (body: Record<string, unknown>) => number,
  send: (body: Record<string, unknown>) => Promise<unknown>,
): Promise<UploadResult> {
  const mode = options.mode ?? "shadow";
  const result: UploadResult = { mode, batches: bodies.length, events: 0, logIds: [], responses: [] };
  for (const payload of bodies) {
    const entry = {
      workspaceId: options.workspaceId ?? "default",
      platform,
      destination,
      mode,
      payload,
      events: count(payload),
    };
    result.events += entry.events;
    // identifiers in the payload are already SHA-256 digests: safe to log for review
    options.log?.info(
      { platform, destination, mode, events: entry.events, payload },
      "offline conversion payload",
    );
    if (mode === "shadow") {
      result.logIds.push(await logUpload(options.store, entry, "logged", undefined));
      continue;
    }
    try {
      const response = await send(payload);
      result.responses.push(response);
      result.logIds.push(await logUpload(options.store, entry, "sent", response));
    } catch (error) {
      await logUpload(options.store, entry, "failed", undefined, (error as Error).message);
      throw error;
    }
  }
  return result;
}

export interface GoogleUploadOptions extends CommonUploadOptions, IngestOptions {
  /** OAuth token with the https://www.googleapis.com/auth/datamanager scope (live mode). */
  tokens?: TokenSource;
  baseUrl?: string;
}

/** Google Data Manager `events:ingest`, shadow by default. */
export async function uploadToGoogle(
  conversions: OfflineConversion[],
  options: GoogleUploadOptions,
): Promise<UploadResult> {
  const bodies = buildDataManagerIngest(conversions, options);
  const http = new HttpClient({ ...options, platform: "google-data-manager", classify: classifyDataManager });
  const base = (options.baseUrl ?? DATA_MANAGER_BASE_URL).replace(/\/+$/, "");
  return run(
    options,
    "google",
    `${options.operatingAccountId}/conversionActions/${options.conversionActionId}`,
    bodies,
    (b) => (b.events as unknown[]).length,
    async (body) => {
      if (!options.tokens) throw new Error("live upload to Google needs an OAuth token (tokens)");
      const token = await options.tokens.token();
      return http.json({
        method: "POST",
        url: `${base}/v1/events:ingest`,
        headers: { authorization: `Bearer ${token}` },
        json: body,
      });
    },
  );
}

export interface MetaUploadOptions extends CommonUploadOptions, CapiOptions {
  pixelId: string;
  accessToken?: string;
  baseUrl?: string;
  version?: string;
}

/** Meta Conversions API `/{pixel}/events`, shadow by default. */
export async function uploadToMeta(
  conversions: OfflineConversion[],
  options: MetaUploadOptions,
): Promise<UploadResult> {
  const bodies = buildCapiEvents(conversions, options);
  const http = new HttpClient({
    ...options,
    platform: "meta-capi",
    classify: (r) => classifyMeta(r, () => undefined),
  });
  const base = `${(options.baseUrl ?? "https://graph.facebook.com").replace(/\/+$/, "")}/${options.version ?? "v26.0"}`;
  return run(
    options,
    "meta",
    `pixel/${options.pixelId}`,
    bodies,
    (b) => (b.data as unknown[]).length,
    async (body) => {
      if (!options.accessToken) throw new Error("live upload to Meta needs an access token");
      return http.json({
        method: "POST",
        url: `${base}/${options.pixelId}/events`,
        headers: { authorization: `Bearer ${options.accessToken}` },
        json: body,
      });
    },
  );
}

function classifyDataManager(response: HttpResponse) {
  if (response.status < 400) return null;
  const error = (response.body as { error?: { message?: string; status?: string } } | null)?.error;
  return new PlatformError(kindForStatus(response.status), error?.message ?? `HTTP ${response.status}`, {
    platform: "google-data-manager",
    status: response.status,
    code: error?.status,
  });
}
