import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { type HubSpotReceiverOptions, handleHubSpotWebhook } from "./receiver.js";

export interface HubSpotPluginOptions extends Omit<HubSpotReceiverOptions, "log"> {
  /** Public origin HubSpot calls (https://autopilot.example.com); signatures cover the full URL. */
  publicOrigin?: string;
  path?: string;
}

/**
 * Fastify route for HubSpot webhooks. JSON bodies are kept as raw text inside this plugin (the
 * signature covers the exact bytes); register it with `app.register(hubspotWebhookPlugin, {...})`.
 */
export const hubspotWebhookPlugin: FastifyPluginAsync<HubSpotPluginOptions> = async (
  app: FastifyInstance,
  options,
) => {
  app.addContentTypeParser(
    "application/json",
    { parseAs: "string", bodyLimit: 1_048_576 },
    (_req, body, done) => done(null, body),
  );
  app.post(options.path ?? "/webhooks/hubspot", async (request, reply) => {
    const origin = options.publicOrigin ?? `${request.protocol}://${request.host}`;
    const result = await handleHubSpotWebhook(
      { ...options, log: request.log },
      {
        method: request.method,
        uri: `${origin.replace(/\/+$/, "")}${request.url}`,
        headers: request.headers,
        rawBody: typeof request.body === "string" ? request.body : "",
      },
    );
    return reply.code(result.status).send(result.body);
  });
};
