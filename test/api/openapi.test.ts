import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticatedRoutes } from "../../src/api/index.js";
import { type ApiFixture, openApiFixture } from "./fixture.js";

type Json = Record<string, unknown>;

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, out);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

const METHODS = ["get", "put", "post", "delete", "patch"];

describe("OpenAPI document", () => {
  let f: ApiFixture;
  let doc: Json;
  beforeAll(async () => {
    f = await openApiFixture("pglite");
    const res = await f.app.inject({ url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => f?.close());

  it("is OpenAPI 3.1 with info, bearer security and error schema", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "AdPilot API" });
    const components = doc.components as { securitySchemes: Json; schemas: Json };
    expect(components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(Object.keys(components.schemas)).toEqual(expect.arrayContaining(["Account", "Error"]));
  });

  it("lists every route with its method, and nothing else", () => {
    const documented = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = [
      ...authenticatedRoutes(f.app).map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, "{$1}")}`),
      "GET /healthz",
      "GET /readyz",
    ];
    expect(documented.sort()).toEqual(served.sort());
  });

  it("every operation has a summary, responses and valid JSON schemas; every $ref resolves", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: "doc", components: doc.components } as Json);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        const responses = op.responses as Record<string, Json>;
        expect(Object.keys(responses).length, `${method} ${path}`).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(response.description, `${method} ${path} ${status}`).toBeTypeOf("string");
          const content = (response.content ?? {}) as Record<string, { schema: Json }>;
          for (const media of Object.values(content)) {
            const schema = JSON.parse(
              JSON.stringify(media.schema).replaceAll('"#/components', '"doc#/components'),
            );
            expect(() => ajv.compile(schema), `${method} ${path} ${status}`).not.toThrow();
          }
        }
        for (const parameter of (op.parameters ?? []) as Json[]) {
          expect(["path", "query", "header"]).toContain(parameter.in);
          if (parameter.in === "path") {
            expect(parameter.required).toBe(true);
            expect(path).toContain(`{${parameter.name}}`);
          }
        }
      }
    }
    const components = doc.components as { schemas: Json };
    for (const ref of collectRefs(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(components.schemas, ref).toHaveProperty(ref.split("/").at(-1) as string);
    }
  });

  it("marks only the health checks as public", () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    expect(paths["/healthz"].get.security).toEqual([]);
    expect(paths["/readyz"].get.security).toEqual([]);
    expect(paths["/accounts"].get.security).toBeUndefined();
    expect(doc.security).toEqual([{ apiKey: [] }]);
  });

  it("serves a browsable reference at /docs", async () => {
    let res = await f.app.inject({ url: "/docs" });
    for (let hops = 0; hops < 3 && res.statusCode === 302; hops++) {
      const location = new URL(String(res.headers.location), "http://localhost/docs/").pathname;
      res = await f.app.inject({ url: location });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.body).toMatch(/swagger-ui/i);
  });
});
