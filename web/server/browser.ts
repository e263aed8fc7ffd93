import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = (): boolean => existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Builds the dashboard with Vite into a fresh temporary folder (tests never depend on a stale dist). */
export async function buildDashboard(outDir = mkdtempSync(join(tmpdir(), "adpilot-dist-"))): Promise<string> {
  const { build } = await import("vite");
  await build({
    configFile: join(WEB_ROOT, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
