import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkSecretKeyAtStart,
  loadCredentials,
  readSecretKey,
  redact,
  SecretKeyError,
  saveCredentials,
} from "../../src/connectors/credentials/index.js";
import { openTestStore, type TestStore, testEngines } from "../support/stores.js";

const KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("ADPILOT_SECRET_KEY", () => {
  it("accepts 32 bytes as hex or base64 and names what is wrong otherwise", () => {
    expect(readSecretKey({ ADPILOT_SECRET_KEY: KEY_HEX })?.length).toBe(32);
    expect(readSecretKey({ ADPILOT_SECRET_KEY: Buffer.alloc(32, 1).toString("base64") })?.length).toBe(32);
    expect(readSecretKey({})).toBeUndefined();
    expect(() => readSecretKey({ ADPILOT_SECRET_KEY: "short" })).toThrow(
      /must be 32 bytes.*openssl rand -base64 32/,
    );
  });

  it("redacts secret-looking values for logs", () => {
    expect(redact({ accessToken: "t", settings: { baseUrl: "u", clientSecret: "s" } })).toEqual({
      accessToken: "***",
      settings: { baseUrl: "u", clientSecret: "***" },
    });
  });
});

describe.each(testEngines())("credentials at rest on %s", (engine) => {
  let store: TestStore;
  const key = readSecretKey({ ADPILOT_SECRET_KEY: KEY_HEX })!;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => store.close());

  it("stores secrets only as AES-256-GCM ciphertext and reads them back with the key", async () => {
    expect(await checkSecretKeyAtStart(store, {})).toBeUndefined();
    await saveCredentials(store, key, {
      platform: "meta",
      secrets: { accessToken: "EAAB-super-secret" },
      settings: { appId: "123" },
    });
    const [row] = await store.query<Record<string, string>>("SELECT * FROM connector_credentials");
    expect(JSON.stringify(row)).not.toContain("EAAB-super-secret");
    expect(Buffer.from(row.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(row.tag, "base64")).toHaveLength(16);
    const loaded = await loadCredentials(store, key, "meta");
    expect(loaded).toMatchObject({
      secrets: { accessToken: "EAAB-super-secret" },
      settings: { appId: "123" },
    });
  });

  it("refuses to start without the key once credentials exist, and names a wrong key", async () => {
    await expect(checkSecretKeyAtStart(store, {})).rejects.toThrow(
      /ADPILOT_SECRET_KEY is not set but 1 platform credential/,
    );
    await expect(loadCredentials(store, Buffer.alloc(32, 9), "meta")).rejects.toThrow(
      /encrypted with another key/,
    );
  });

  it("detects a tampered ciphertext", async () => {
    await store.query("UPDATE connector_credentials SET ciphertext = $1", [
      Buffer.from("tampered-bytes").toString("base64"),
    ]);
    await expect(loadCredentials(store, key, "meta")).rejects.toBeInstanceOf(SecretKeyError);
  });
});
