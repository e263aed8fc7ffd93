import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { runWorldJob, type WorldJob, type WorldJobResult } from "./job.js";

export interface MonteCarloProgress {
  done: number;
  total: number;
}

/**
 * Runs world jobs on `threads` worker threads (1 = in this thread). Workers pull the next job when
 * they finish one; results are put back in job order, and every world's seed depends only on its
 * index, so the output is bit-identical whatever the thread count.
 */
export async function runJobs(
  jobs: WorldJob[],
  threads: number,
  onProgress?: (p: MonteCarloProgress) => void,
): Promise<WorldJobResult[]> {
  const results: WorldJobResult[] = new Array(jobs.length);
  const n = Math.max(1, Math.min(threads, jobs.length, availableParallelism() * 2));
  if (n === 1) {
    for (const job of jobs) {
      results[job.index] = runWorldJob(job);
      onProgress?.({ done: job.index + 1, total: jobs.length });
    }
    return results;
  }
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (worker: Worker) => {
        if (next < jobs.length) worker.postMessage(jobs[next++]);
        else worker.postMessage(null);
      };
      for (let i = 0; i < n; i++) {
        const worker = spawnWorker();
        workers.push(worker);
        worker.on(
          "message",
          (msg: { ok: true; value: WorldJobResult } | { ok: false; error: string; index: number }) => {
            if (!msg.ok) {
              reject(new Error(`world ${msg.index} failed: ${msg.error}`));
              return;
            }
            results[msg.value.index] = msg.value;
            done++;
            onProgress?.({ done, total: jobs.length });
            if (done === jobs.length) resolve();
            else feed(worker);
          },
        );
        worker.on("error", reject);
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

function spawnWorker(): Worker {
  const ts = import.meta.url.endsWith(".ts");
  const url = new URL(ts ? "./worker.ts" : "./worker.js", import.meta.url);
  if (!ts) return new Worker(url);
  // Running from TypeScript sources (tsx, Vitest): on Node 20 a worker does not inherit the tsx
  // loader and ignores `--import` in execArgv, so the worker registers tsx itself, then loads us.
  const api = createRequire(import.meta.url)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true });
}
