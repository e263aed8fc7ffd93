import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";

/**
 * The OpenAPI document, generated from the routes' zod schemas, at /openapi.json, and a browsable
 * reference at /docs. Must be registered before the routes so it sees them.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "AdPilot API",
        description:
          "Paid-media budget autopilot. Authenticate with `Authorization: Bearer adp_...` (create keys with `adpilot keys create`). Errors are `{ error: { code, message, field } }`.",
        version: "0.1.0",
      },
      components: {
        securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "adp_<id>_<secret>" } },
      },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { config: { rateLimit: false }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
