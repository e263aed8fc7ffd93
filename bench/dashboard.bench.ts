// First load of the dashboard's overview on the demo data in Chromium: navigation start to the
// overview's numbers on screen (key already in the tab's session), plus the size of the JS bundle.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildDashboard, hasChromium, launchChromium } from "../web/server/browser.js";
import { startDemoStack } from "../web/server/demo-stack.js";

if (!hasChromium()) {
  console.log("dashboard bench skipped: /usr/bin/chromium is missing (apt-get install -y chromium)");
  process.exit(0);
}
const dist = await buildDashboard();
const scripts = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"));
const sizeOf = (files: string[]) => files.reduce((sum, f) => sum + statSync(join(dist, "assets", f)).size, 0);
const js = sizeOf(scripts);
// The entry chunk is what the overview's numbers wait for; the chart library loads after it.
const initialJs = sizeOf(scripts.filter((f) => f.startsWith("index-")));
const stack = await startDemoStack({ dist, demo: { speed: 2, oracle: false } });
await new Promise((r) => setTimeout(r, 15_000)); // about 30 simulated days of data
await stack.demo.stop();
const browser = await launchChromium();
const times: number[] = [];
for (let i = 0; i < 5; i++) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.addInitScript(
    `sessionStorage.setItem("adpilot.apiKey", ${JSON.stringify(stack.keys.viewer)})`,
  );
  const page = await context.newPage();
  await page.goto(`${stack.url}/#/overview`);
  await page.waitForSelector("[data-testid=spend-7d] .kpi-value");
  times.push(await page.evaluate<number>("performance.now()"));
  await context.close();
}
await browser.close();
await stack.close();
rmSync(dist, { recursive: true, force: true });
times.sort((a, b) => a - b);
console.log(`dashboard-first-load-ms: ${Math.round(times[Math.floor(times.length / 2)])} ms`);
console.log(`dashboard-first-load-best-ms: ${Math.round(times[0])} ms`);
console.log(`dashboard-js-bundle-kb: ${Math.round(js / 1024)} kB`);
console.log(`dashboard-js-initial-kb: ${Math.round(initialJs / 1024)} kB`);
