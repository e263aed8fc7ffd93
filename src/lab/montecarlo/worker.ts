import { parentPort } from "node:worker_threads";
import { runWorldJob, type WorldJob } from "./job.js";

// Worker thread: runs the world jobs it is sent, one at a time, and posts each result back.
parentPort!.on("message", (job: WorldJob | null) => {
  if (job === null) {
    parentPort!.close();
    return;
  }
  try {
    parentPort!.postMessage({ ok: true, value: runWorldJob(job) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: (error as Error).message, index: job.index });
  }
});
