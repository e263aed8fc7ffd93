import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { RouteModule } from "../../src/api/deps.js";
import { featureRoutes } from "../../src/api/features/index.js";
import { createApiKey } from "../../src/api/keys/index.js";
import { buildApiServer } from "../../src/api/server.js";
import type { Mode } from "../../src/domain/account-config.js";
import { createGovernance } from "../../src/governance/index.js";
import { createRng } from "../../src/models/random/index.js";
import { DEMO_ADMIN, DEMO_WORKSPACE } from "../../src/service/demo/demo-setup.js";
import { type DemoHandle, type DemoOptions, startDemo } from "../../src/service/demo/run-demo.js";
import { createEventBus } from "../../src/service/event-bus.js";
import { getAccountConfig, setAccountConfigValue } from "../../src/store/accounts.js";
import { openStore, type Store } from "../../src/store/index.js";
import { DASHBOARD_DIST, registerDashboard } from "./serve-dashboard.js";

export interface DemoStack {
  url: string;
  store: Store;
  demo: DemoHandle;
  app: FastifyInstance;
  keys: { admin: string; approver: string; viewer: string };
  /** The demo's simulated time (the governance clock of the API's proposal routes). */
  clock(): Date;
  close(): Promise<void>;
}

export interface DemoStackOptions {
  port?: number;
  demo?: Partial<DemoOptions>;
  /** Feature route modules (proposals, arms, alerts...) to mount next to the built-in ones. */
  routes?: RouteModule[];
  dist?: string;
  dataDir?: string;
  /** Switch the demo account to this mode once it exists (shadow/canary: proposals wait for a person). */
  mode?: Mode;
  /** Account configuration values set before the first cycle, as for `adpilot config set` (key -> value). */
  config?: Record<string, string>;
}

/**
 * The demo world + the HTTP API + the built dashboard on 127.0.0.1, in this process, on a fresh
 * PGlite store in a temporary folder. Used by `web/dev-server.ts`, the e2e tests and the benchmark.
 * The server is listening before the demo loop starts, so plugin start-up never competes with it.
 */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "adpilot-web-"));
  const store = await openStore({ dataDir });
  await store.query(
    `INSERT INTO workspaces (id, name) VALUES ($1, 'Demo workspace') ON CONFLICT (id) DO NOTHING`,
    [DEMO_WORKSPACE],
  );
  const now = new Date();
  const key = async (role: "admin" | "approver" | "viewer") =>
    (await createApiKey(store, { workspaceId: DEMO_WORKSPACE, role, name: `dashboard ${role}`, now })).key;
  const keys = { admin: await key("admin"), approver: await key("approver"), viewer: await key("viewer") };
  const bus = createEventBus();
  // The demo lives on a simulated clock and its proposals expire in simulated time, so approvals made
  // through the API must be judged on that clock too: follow it from the cycles' events.
  let simulatedNow: Date | null = null;
  bus.subscribe(DEMO_WORKSPACE, (event) => {
    const { date, hour } = event.data as { date?: string; hour?: number };
    if (event.type === "cycle.started" && date && typeof hour === "number") {
      simulatedNow = new Date(`${date}T${String(hour).padStart(2, "0")}:00:00.000Z`);
    }
  });
  const demoClock = () => simulatedNow ?? new Date();
  const governance = createGovernance({ store, clock: demoClock, rng: createRng(1) });
  const app = await buildApiServer({
    store,
    events: bus,
    clock: () => new Date(),
    routes: options.routes ?? featureRoutes({ governance }),
    limits: { rateLimitMax: 100_000 },
  });
  await registerDashboard(app, options.dist ?? DASHBOARD_DIST);
  await app.listen({ host: "127.0.0.1", port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const demo = await startDemo(
    store,
    // Paused until the mode and configuration are in place, so the first cycle already runs under them.
    {
      scenario: "ecommerce",
      seed: 1,
      speed: 0.5,
      hoursPerCycle: 6,
      oracle: true,
      ...options.demo,
      paused: true,
    },
    () => {},
    bus,
  );
  if (options.mode) {
    if ((await getAccountConfig(store, demo.accountId)).mode !== options.mode) {
      await governance.setMode(DEMO_ADMIN, demo.accountId, options.mode, `dashboard stack: ${options.mode}`);
    }
  }
  for (const [key, value] of Object.entries(options.config ?? {})) {
    await setAccountConfigValue(store, demo.accountId, key, value, DEMO_ADMIN.userId);
  }
  if (!options.demo?.paused) demo.resume();
  return {
    clock: demoClock,
    url: `http://127.0.0.1:${port}`,
    store,
    demo,
    app,
    keys,
    async close() {
      await app.close();
      await demo.stop();
      await store.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
