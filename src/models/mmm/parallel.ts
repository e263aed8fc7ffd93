/**
 * Runs chains on a small pool of worker threads (one chain at a time per worker), falling back to the
 * calling thread when threads = 0 or workers cannot start. Each chain's draws depend only on
 * (seed, chain index), so the result is the same either way.
 *
 * Under tsx or Vitest the worker is the TypeScript file itself: a small CommonJS bootstrap registers
 * tsx's loader inside the worker (Node 20 ignores `--import` in a worker's execArgv) and imports it.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { type ChainJob, runChain } from "./chain.js";
import type { ChainResult } from "./nuts-chain.js";

export type ProgressFn = (chain: number, iteration: number, total: number, divergences: number) => void;

export function defaultThreads(chains: number): number {
  return Math.max(1, Math.min(chains, availableParallelism()));
}

function workerUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith(".ts") ? "./chain-worker.ts" : "./chain-worker.js", here);
}

function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith(".ts")) return new Worker(url);
  const api = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href.replace(
    /\.cjs$/,
    ".mjs",
  );
  const boot = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(api)}));`;
  return new Worker(boot, { eval: true });
}

export function runChainsInThread(jobs: ChainJob[], onProgress?: ProgressFn): ChainResult[] {
  return jobs.map((job) => runChain(job, (it, total, div) => onProgress?.(job.chain, it, total, div)));
}

/** Runs the jobs on `threads` workers. Rejects on a chain error; falls back in-thread if a worker cannot start. */
export async function runChainsParallel(
  jobs: ChainJob[],
  threads: number,
  onProgress?: ProgressFn,
): Promise<{ results: ChainResult[]; inWorkers: number }> {
  if (threads <= 0 || jobs.length === 0)
    return { results: runChainsInThread(jobs, onProgress), inWorkers: 0 };
  const url = workerUrl();
  const results: ChainResult[] = new Array(jobs.length);
  const queue = jobs.map((_, i) => i);
  const nWorkers = Math.min(threads, jobs.length);
  let startFailed = false;

  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      let worker: Worker;
      try {
        worker = startWorker(url);
      } catch {
        startFailed = true;
        resolve();
        return;
      }
      let current = -1;
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        worker.terminate().catch(() => {});
        if (err) reject(err);
        else resolve();
      };
      const next = () => {
        const i = queue.shift();
        if (i === undefined) return finish();
        current = i;
        worker.postMessage(jobs[i]);
      };
      worker.on("message", (msg: { type: string; chain: number; [k: string]: unknown }) => {
        if (msg.type === "progress")
          onProgress?.(msg.chain, msg.iteration as number, msg.total as number, msg.divergences as number);
        else if (msg.type === "result") {
          results[current] = msg.result as ChainResult;
          next();
        } else if (msg.type === "error") finish(new Error(`chain ${msg.chain + 1}: ${msg.message}`));
      });
      worker.on("error", (err) => {
        if (process.env.MMM_DEBUG_WORKERS) console.error("mmm worker error:", err);
        if (current < 0 || results[current] === undefined) {
          // Worker could not load (e.g. no TypeScript loader): put the job back and run in-thread.
          if (current >= 0) queue.unshift(current);
          startFailed = true;
          settled = true;
          worker.terminate().catch(() => {});
          resolve();
          return;
        }
        finish(err);
      });
      worker.on("online", next);
    });

  await Promise.all(Array.from({ length: nWorkers }, runWorker));
  const inWorkers = results.filter((r) => r !== undefined).length;
  if (startFailed || queue.length > 0) {
    for (let i = 0; i < jobs.length; i++)
      if (results[i] === undefined)
        results[i] = runChain(jobs[i], (it, t, d) => onProgress?.(jobs[i].chain, it, t, d));
  }
  return { results, inWorkers };
}
