// One /metrics across WORKERS processes (prom-client's AggregatorRegistry): every worker hands its registry to
// prom-client's cluster listener; a worker answering /metrics asks the primary over the cluster's IPC channel, the
// primary collects every worker's series and sums them (gauges that read shared state, e.g. the outbox's depth
// from Postgres, declare `aggregator: "max"` so N workers do not report N times the queue). With METRICS_PORT the
// primary serves the sum itself. A single process (WORKERS=1) never comes here.
import cluster from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";

const ASK = "gatehouse:metrics-request";
const ANSWER = "gatehouse:metrics-response";
const TIMEOUT_MS = 5000;

type Ask = { type: typeof ASK; id: number };
type Answer = { type: typeof ANSWER; id: number; text?: string; error?: string };

/** the primary: answers workers' requests with the sum of all workers; `text()` for its own METRICS_PORT */
export function aggregateWorkerMetrics(): { text(): Promise<string>; contentType: string } {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message: Partial<Ask>) => {
    if (message?.type !== ASK || typeof message.id !== "number") return;
    const id = message.id;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: ANSWER, id, text } satisfies Answer),
      (err: unknown) =>
        worker.isConnected() && worker.send({ type: ANSWER, id, error: String((err as Error)?.message ?? err) } satisfies Answer),
    );
  });
  return { text: () => aggregator.clusterMetrics(), contentType: aggregator.contentType };
}

/** a worker: `registry` is what it contributes; the function returned asks the primary for every worker's sum */
export function workerMetrics(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs prom-client's listener that answers the primary with this worker's series
  let next = 0;
  const waiting = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  process.on("message", (message: Partial<Answer>) => {
    if (message?.type !== ANSWER || typeof message.id !== "number") return;
    const entry = waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id);
    clearTimeout(entry.timer);
    if (message.error !== undefined || message.text === undefined) entry.reject(new Error(message.error ?? "no metrics"));
    else entry.resolve(message.text);
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error("the primary did not answer in time"));
      }, TIMEOUT_MS);
      waiting.set(id, { resolve, reject, timer });
      process.send!({ type: ASK, id } satisfies Ask);
    });
}
