import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "../../src/api/auth/roles.js";
import { type ApiFixture, bearer, openApiFixture } from "./fixture.js";

describe("GET /whoami", () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await openApiFixture("pglite");
  });
  afterAll(() => f.close());

  it.each(ROLES)("tells a %s key its own role, name and workspace", async (role) => {
    const response = await f.app.inject({ method: "GET", url: "/whoami", headers: bearer(f.b.keys[role]) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      key: { id: f.b.keyIds[role], name: `${role} of other`, role },
      workspace: { id: "other", name: "Workspace other" },
    });
  });

  it("answers 401 without a key", async () => {
    const response = await f.app.inject({ method: "GET", url: "/whoami" });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });
});
