import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard, hasChromium, launchChromium } from "../../web/server/browser.js";
import { type DemoStack, startDemoStack } from "../../web/server/demo-stack.js";
import { formatMoney, formatNumber } from "../../web/src/lib/format.js";
import { latestDay, periodRange } from "../../web/src/lib/kpis.js";

const SCREENSHOTS = join(process.cwd(), "test-artifacts", "screenshots");
/** The browser's document, typed for the few calls inside page functions (no DOM lib here); the
 * functions are serialised into the page, so each one names `globalThis.document` itself. */
type PageDocument = {
  querySelector(selector: string): unknown;
  querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }>;
};

const PAGES = ["overview", "allocations", "approvals", "mmm", "overrides", "lab", "alerts", "settings"];

if (!hasChromium()) {
  console.warn(
    "e2e dashboard tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium; .ci/run installs it)",
  );
}

// The real server on the demo data: demo world + API + built dashboard on 127.0.0.1:0, the demo
// account in shadow mode so the optimizer's proposals wait for a person.
describe.skipIf(!hasChromium())("dashboard end to end (chromium)", () => {
  let stack: DemoStack;
  let browser: Browser;
  let dist: string;

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(stack.url + path, {
      headers: { authorization: `Bearer ${stack.keys.admin}` },
    });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };

  async function signIn(key: string, width = 1366, height = 900): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(`${stack.url}/`);
    await page.fill("#api-key", key);
    await page.click("button[type=submit]");
    await page.waitForSelector("nav.tabs");
    return page;
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [dist, browser] = await Promise.all([buildDashboard(), launchChromium()]);
    stack = await startDemoStack({
      dist,
      mode: "shadow",
      // A review window of a simulated month: at demo speed a day lasts four seconds, and the
      // approval test needs proposals that are still open when it clicks.
      config: { "guardrails.approvalExpiryHours": "720" },
      demo: { speed: 0.5, oracle: false },
    });
    // Enough simulated days for data, decisions and waiting proposals.
    const deadline = Date.now() + 40_000;
    for (;;) {
      const { proposals } = await api<{ proposals: unknown[] }>("/proposals?status=proposed&limit=5");
      if (proposals.length >= 2 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it("shows a new decision arriving live, without reload", async () => {
    const page = await signIn(stack.keys.viewer);
    await page.waitForSelector("[data-testid=live-feed] li");
    const seen = await page.$$eval("[data-testid=live-feed] li", (lis) =>
      Math.max(...lis.map((li) => Number(li.getAttribute("data-id")))),
    );
    await page.waitForFunction(
      (after) =>
        Array.from(
          (globalThis as unknown as { document: PageDocument }).document.querySelectorAll(
            "[data-testid=live-feed] li[data-type='decision.recorded']",
          ),
        ).some((li) => Number(li.getAttribute("data-id")) > after),
      seen,
      { timeout: 20_000 },
    );
    await page.close();
  }, 90_000);

  it("shows the overview with the numbers the API reports, and approvals lose an approved proposal", async () => {
    // A still world: the page and the API must see the same days, and at demo speed (a simulated
    // day every two seconds) a proposal shown in the queue could expire before the click.
    await stack.demo.stop();
    const page = await signIn(stack.keys.approver);
    const accountId = stack.demo.accountId;
    const days = await api<{ rows: Parameters<typeof latestDay>[0] }>(
      `/accounts/${accountId}/metrics?by=account&grain=day`,
    );
    const anchor = latestDay(days.rows)!;
    const week = periodRange(anchor, 7);
    const total = await api<{ total: { costMinor: number; conversions: number } }>(
      `/accounts/${accountId}/metrics?by=channel&grain=total&from=${week.from}&to=${week.to}`,
    );
    await page.waitForSelector("[data-testid=spend-7d] .kpi-value");
    expect(await page.textContent("[data-testid=spend-7d] .kpi-value")).toBe(
      formatMoney(total.total.costMinor, "USD"),
    );
    expect(await page.textContent("[data-testid=conversions-7d] .kpi-value")).toBe(
      formatNumber(total.total.conversions),
    );
    await page.screenshot({ path: join(SCREENSHOTS, "overview.png"), fullPage: true });

    await page.goto(`${stack.url}/#/approvals`);
    await page.waitForSelector("[data-testid=proposal]");
    const first = page.locator("[data-testid=proposal]").last();
    const id = Number(await first.getAttribute("data-id"));
    await page.screenshot({ path: join(SCREENSHOTS, "approvals.png"), fullPage: true });
    await first.locator("[data-testid=approve]").click();
    // Either the notice or the page's error: a refused approval must fail with the server's reason.
    await page.waitForSelector("[role=status]:has-text('approved.'), [role=alert]");
    const refused = await page.locator("[role=alert]").allTextContents();
    expect(refused, `approving proposal ${id}`).toEqual([]);
    await page.waitForSelector(`[data-testid=proposal][data-id="${id}"]`, { state: "detached" });
    const after = await api<{ proposal: { status: string } }>(`/proposals/${id}`);
    expect(after.proposal.status).toBe("approved");
    await page.close();
  }, 90_000);

  it("hides approve buttons from a viewer and renders every page", async () => {
    const page = await signIn(stack.keys.viewer);
    await page.goto(`${stack.url}/#/approvals`);
    await page.waitForSelector("[data-testid=read-only]");
    await page.waitForSelector("[data-testid=proposal]");
    expect(await page.locator("[data-testid=approve]").count()).toBe(0);
    await page.close();

    const admin = await signIn(stack.keys.admin);
    for (const name of PAGES) {
      await admin.goto(`${stack.url}/#/${name}`);
      await admin.waitForSelector(".page h1");
      // Screenshots document the page whatever it shows; a page still loading after 10 s is reported.
      const settled = await admin
        .waitForFunction(
          () =>
            !(globalThis as unknown as { document: PageDocument }).document.querySelector("[aria-busy=true]"),
          null,
          { timeout: 10_000 },
        )
        .then(() => true)
        .catch(() => false);
      if (!settled) console.warn(`e2e: page ${name} still loading after 10 s`);
      await admin.waitForTimeout(300); // charts draw on the next frame
      await admin.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    }
    await admin.close();
    const tablet = await signIn(stack.keys.admin, 820, 1180);
    await tablet.waitForSelector("[data-testid=spend-7d]");
    await tablet.waitForTimeout(300);
    await tablet.screenshot({ path: join(SCREENSHOTS, "overview-tablet.png"), fullPage: true });
    await tablet.close();
  }, 120_000);
});
