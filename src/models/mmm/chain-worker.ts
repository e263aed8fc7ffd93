/** Worker-thread entry: runs chain jobs sent by parallel.ts and posts progress and results back. */
import { parentPort } from "node:worker_threads";
import { type ChainJob, runChain } from "./chain.js";

const port = parentPort;
if (port) {
  port.on("message", (job: ChainJob) => {
    try {
      const res = runChain(job, (iteration, total, divergences) =>
        port.postMessage({ type: "progress", chain: job.chain, iteration, total, divergences }),
      );
      port.postMessage({ type: "result", chain: job.chain, result: res }, [
        res.draws.buffer,
        res.lp.buffer,
        res.energy.buffer,
        res.acceptStat.buffer,
        res.treeDepth.buffer,
        res.nLeapfrog.buffer,
        res.divergent.buffer,
      ] as ArrayBuffer[]);
    } catch (err) {
      port.postMessage({
        type: "error",
        chain: job.chain,
        message: err instanceof Error ? err.message : String(err),
      });
    }
  });
}
