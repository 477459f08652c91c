// WORKERS > 1: this primary process forks that many server processes sharing the port (Node cluster), restarts
// one that dies unexpectedly (at most once per second), and on SIGTERM/SIGINT lets every worker finish its
// requests before exiting. Workers are stateless: sessions and tokens are in Redis, everything else in Postgres.
// The primary sums the workers' metrics for /metrics (lib/cluster-metrics.ts) and serves METRICS_PORT when set.
import cluster from "node:cluster";
import type { Config } from "./config/load.ts";
import type { Logger } from "./lib/logger.ts";
import { aggregateWorkerMetrics } from "./lib/cluster-metrics.ts";
import { serveMetricsPort } from "./lib/metrics-server.ts";

export async function runPrimary(config: Config, log: Logger): Promise<void> {
  let stopping = false;
  let lastRestart = 0;
  // /metrics on any worker (or METRICS_PORT here) reports the sum over all workers
  const metrics = aggregateWorkerMetrics();
  if (config.metricsPort !== undefined) {
    await serveMetricsPort({ port: config.metricsPort, host: config.host, ...metrics });
    log.info({ port: config.metricsPort }, "metrics of all workers served on the management port");
  }
  const fork = () => cluster.fork();
  for (let i = 0; i < config.workers; i++) fork();

  let listening = 0;
  cluster.on("listening", () => {
    if (++listening === config.workers) log.info({ workers: config.workers, port: config.port }, "all workers listening");
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    log.error({ pid: worker.process.pid, code, signal }, "worker died; starting another");
    const wait = Math.max(0, lastRestart + 1000 - Date.now());
    lastRestart = Date.now() + wait;
    setTimeout(fork, wait);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down workers");
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    // each worker reports draining for SHUTDOWN_DELAY_SECONDS (SIGTERM), then gets 10 s to finish
    const force = setTimeout(() => process.exit(1), (signal === "SIGTERM" ? config.shutdownDelaySeconds * 1000 : 0) + 15_000);
    force.unref();
    cluster.on("exit", () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        log.flush(() => process.exit(0));
      }
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

export const isWorker = () => cluster.isWorker;
