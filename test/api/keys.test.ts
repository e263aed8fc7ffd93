import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Command, CommanderError } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ApiKeyInputError,
  authenticate,
  createApiKey,
  hashSecret,
  listApiKeys,
  parseKey,
  revokeApiKey,
} from "../../src/api/keys/index.js";
import { registerKeys } from "../../src/cli/commands/keys.js";
import { UsageError } from "../../src/cli/errors.js";
import { ensurePgliteTemplate } from "../support/pglite-template.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

const T0 = new Date("2025-03-10T12:00:00.000Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

describe.each(testEngines())("API key repository on %s", (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => store?.close());

  it("stores only a hash; the key authenticates as its workspace and role", async () => {
    const { id, key } = await createApiKey(store, {
      workspaceId: "default",
      role: "approver",
      name: "ann",
      now: T0,
    });
    expect(key).toMatch(/^adp_[0-9a-f]{16}_[0-9a-f]{64}$/);
    const [row] = await store.query<{ hash: string }>("SELECT * FROM api_keys WHERE id = $1", [id]);
    expect(JSON.stringify(row)).not.toContain(parseKey(key)?.secret);
    expect(row.hash).toBe(hashSecret(parseKey(key)?.secret ?? ""));
    expect(await authenticate(store, key, { now: T0 })).toEqual({
      keyId: id,
      workspaceId: "default",
      role: "approver",
      name: "ann",
    });
  });

  it("refuses malformed, unknown, wrong-secret and revoked keys", async () => {
    const { id, key } = await createApiKey(store, {
      workspaceId: "default",
      role: "viewer",
      name: "bob",
      now: T0,
    });
    expect(await authenticate(store, "adp_short")).toBeNull();
    expect(await authenticate(store, `adp_${"9".repeat(16)}_${"1".repeat(64)}`)).toBeNull();
    expect(await authenticate(store, `${key.slice(0, -1)}${key.endsWith("0") ? "1" : "0"}`)).toBeNull();
    expect(await revokeApiKey(store, "other-workspace", id, T0)).toBeNull();
    expect(await authenticate(store, key, { now: T0 })).not.toBeNull();
    const revoked = await revokeApiKey(store, "default", id, later(1_000));
    expect(revoked?.revokedAt).toBe("2025-03-10T12:00:01.000Z");
    expect((await revokeApiKey(store, "default", id, later(9_000)))?.revokedAt).toBe(
      "2025-03-10T12:00:01.000Z",
    );
    expect(await authenticate(store, key, { now: later(2_000) })).toBeNull();
    expect((await listApiKeys(store, "default")).map((k) => k.id)).not.toContain(id);
    expect((await listApiKeys(store, "default", { includeRevoked: true })).map((k) => k.id)).toContain(id);
  });

  it("records last use at most once per interval", async () => {
    const { id, key } = await createApiKey(store, {
      workspaceId: "default",
      role: "viewer",
      name: "carl",
      now: T0,
    });
    const lastUsed = async () => (await listApiKeys(store, "default")).find((k) => k.id === id)?.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await authenticate(store, key, { now: later(0) });
    await authenticate(store, key, { now: later(30_000) });
    expect(await lastUsed()).toBe("2025-03-10T12:00:00.000Z");
    await authenticate(store, key, { now: later(60_000) });
    expect(await lastUsed()).toBe("2025-03-10T12:01:00.000Z");
  });

  it("validates role, name and workspace, naming the field", async () => {
    const bad = [
      { workspaceId: "default", role: "owner", name: "x", field: "role" },
      { workspaceId: "default", role: "viewer", name: "  ", field: "name" },
      { workspaceId: "nowhere", role: "viewer", name: "x", field: "workspace" },
    ] as const;
    for (const input of bad) {
      const error = await createApiKey(store, { ...input, role: input.role as "viewer" }).catch((e) => e);
      expect(error).toBeInstanceOf(ApiKeyInputError);
      expect(error.field).toBe(input.field);
    }
  });
});

describe("adpilot keys (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "adpilot-keys-"));
  const saved = { ...process.env };
  beforeAll(async () => {
    process.env.ADPILOT_DATA_DIR = join(dir, "db");
    delete process.env.DATABASE_URL;
    // Start from the migrated template instead of running initdb in the folder (seconds saved per open).
    const blob = new Blob([readFileSync(await ensurePgliteTemplate())]);
    await (await PGlite.create({ dataDir: join(dir, "db"), loadDataDir: blob })).close();
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(...args: string[]) {
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
    const program = new Command("adpilot")
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerKeys(program);
    try {
      await program.parseAsync(["node", "adpilot", ...args]);
      return { ok: true, stdout: out.join("\n"), error: null as Error | null };
    } catch (error) {
      if (!(error instanceof UsageError) && !(error instanceof CommanderError)) throw error;
      return { ok: false, stdout: out.join("\n"), error: error as Error };
    } finally {
      log.mockRestore();
    }
  }

  it("creates (shown once), lists without secrets and revokes", async () => {
    const created = await cli("keys", "create", "--role", "admin", "--name", "ops", "--json");
    expect(created.ok).toBe(true);
    const { key, id } = JSON.parse(created.stdout);
    expect(key).toMatch(/^adp_/);
    const revoked = await cli("keys", "revoke", id);
    expect(revoked.stdout).toMatch(new RegExp(`Revoked key ${id}`));
    const listed = await cli("keys", "list", "--all");
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+admin\\s+ops`));
    expect(listed.stdout).not.toContain(parseKey(key)?.secret);
    const missing = await cli("keys", "revoke", "0123456789abcdef");
    expect(missing.error?.message).toMatch(/has no key "0123456789abcdef"/);
  }, 60_000);

  it("explains bad input", async () => {
    const role = await cli("keys", "create", "--role", "owner", "--name", "x");
    expect(role.error?.message).toMatch(/valid roles: viewer, analyst, approver, admin/);
    const name = await cli("keys", "create", "--role", "viewer");
    expect(name.error?.message).toMatch(/--name/);
  }, 60_000);
});
