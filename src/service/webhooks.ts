import type { FastifyInstance } from "fastify";
import { hubspotWebhookPlugin } from "../connectors/hubspot/index.js";
import type { Store } from "../store/index.js";

export interface WebhookEnv {
  /** The HubSpot app's client secret: set, and `POST /webhooks/hubspot` is served. */
  ADPILOT_HUBSPOT_CLIENT_SECRET?: string;
  /** The workspace deal-stage events belong to (default "default"). */
  ADPILOT_HUBSPOT_WORKSPACE?: string;
  /** The public origin HubSpot calls (https://autopilot.example.com): v3 signatures cover the full URL,
   * and behind a proxy the server cannot see it. Default: the request's own protocol and host. */
  ADPILOT_PUBLIC_URL?: string;
}

/**
 * Mounts the CRM webhook receivers the environment configures, outside the API-key scope (each one
 * checks its platform's signature instead). Returns the paths served, for the start-up message.
 */
export async function mountWebhooks(
  app: FastifyInstance,
  store: Store,
  env: WebhookEnv = process.env,
  now?: () => number,
): Promise<string[]> {
  const secret = env.ADPILOT_HUBSPOT_CLIENT_SECRET?.trim();
  if (!secret) return [];
  const path = "/webhooks/hubspot";
  await app.register(hubspotWebhookPlugin, {
    store,
    clientSecret: secret,
    workspaceId: env.ADPILOT_HUBSPOT_WORKSPACE?.trim() || "default",
    publicOrigin: env.ADPILOT_PUBLIC_URL?.trim() || undefined,
    path,
    now,
  });
  return [path];
}
