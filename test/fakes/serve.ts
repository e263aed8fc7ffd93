// Runs one platform fake on 127.0.0.1 for trying `adpilot connect` by hand:
//   npx tsx test/fakes/serve.ts google [--port 8080]
// then, in another terminal:
//   ADPILOT_SECRET_KEY=$(openssl rand -base64 32) adpilot connect google --base-url http://127.0.0.1:8080 --access-token ya29.valid
import { addDays } from "../../src/domain/time.js";
import { startGoogleFake } from "./google/server.js";
import type { RunningFake } from "./http.js";
import { startLinkedInFake } from "./linkedin/server.js";
import { startMetaFake } from "./meta/server.js";
import { startTikTokFake } from "./tiktok/server.js";
import { fakeAccount } from "./world.js";

const TOKENS: Record<string, string> = {
  google: "--access-token ya29.valid   (or --refresh-token 1//refresh --client-id any --client-secret any)",
  meta: "--access-token EAAB-valid",
  tiktok: "--access-token act.valid --app-id app --secret secret",
  linkedin: "--access-token AQV-valid",
};

const platform = process.argv[2] ?? "";
const portIndex = process.argv.indexOf("--port");
const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : 0;
const to = new Date().toISOString().slice(0, 10);
const accounts = [
  fakeAccount({ id: "1234567890", from: addDays(to, -120), to, timeZone: "America/New_York" }),
];
const starters: Record<string, () => Promise<RunningFake>> = {
  google: () => startGoogleFake({ accounts }, port),
  meta: () => startMetaFake({ accounts }, port),
  tiktok: () => startTikTokFake({ accounts }, port),
  linkedin: () => startLinkedInFake({ accounts }, port),
};
const start = starters[platform];
if (!start) {
  console.error(`usage: npx tsx test/fakes/serve.ts ${Object.keys(starters).join("|")} [--port N]`);
  process.exit(2);
}
const fake = await start();
console.log(`${platform} fake listening on ${fake.origin}`);
console.log(`try: adpilot connect ${platform} --base-url ${fake.origin} ${TOKENS[platform]}`);
