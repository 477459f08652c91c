// The load generators, all on 127.0.0.1 and bounded in time: a closed loop of N workers for multi-step,
// browser-style flows, and autocannon for single requests (and for the bare-HTTP limit, so ratios compare like
// with like). Only validated results count as ops; anything else is an error.
import autocannon from "autocannon";
import { summarize, type Summary } from "./stats.ts";

export type RunWindow = { concurrency: number; seconds: number };

/** runs `op` `count` times in `concurrency` loops, for a measured batch (profile-login.ts, cpu-ab.ts); a failure stops it */
export async function runCount(count: number, concurrency: number, op: () => Promise<unknown>): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await op();
    }),
  );
}

/** runs `op` in `concurrency` loops for `seconds`; each worker gets its own state from `init` */
export async function runLoop<S>(
  window: RunWindow,
  init: (worker: number) => Promise<S> | S,
  op: (state: S) => Promise<void>,
): Promise<Summary> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const states = await Promise.all(Array.from({ length: window.concurrency }, (_, i) => init(i)));
  const started = performance.now();
  const deadline = started + window.seconds * 1000;
  await Promise.all(
    states.map(async (state) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await op(state);
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??= (err as Error).message.slice(0, 300);
          if (errors > 1000) return; // a broken scenario: stop hammering
        }
      }
    }),
  );
  return summarize(latencies, errors, (performance.now() - started) / 1000, firstError);
}

export type CannonRequest = {
  method?: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** per-connection requests (e.g. the refresh token this connection holds) */
  /** builds each request just before it is sent (e.g. with the refresh token to rotate next) */
  setupRequest?: (req: { body?: string }) => { body?: string };
  validate(status: number, body: string): boolean;
};

/**
 * Single-request scenarios and the bare-HTTP limit run on autocannon (an efficient HTTP/1.1 load generator,
 * so the client takes less of the shared CPU). Latencies come from its per-response events, so p95 is exact;
 * a response that fails validation is an error, not an op.
 */
export async function runCannon(baseUrl: string, window: RunWindow, requests: CannonRequest[]): Promise<Summary> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let done!: (result: autocannon.Result) => void;
  let failed!: (err: Error) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url: baseUrl,
      connections: window.concurrency,
      duration: window.seconds,
      requests: requests.map((r) => ({
        method: r.method ?? "GET",
        path: r.path,
        headers: {
          "x-forwarded-proto": "https",
          ...(r.body || r.setupRequest ? { "content-type": "application/x-www-form-urlencoded" } : {}),
          ...r.headers,
        },
        ...(r.body ? { body: r.body } : {}),
        ...(r.setupRequest ? { setupRequest: r.setupRequest as never } : {}), // autocannon's Request type is wider than we use
        onResponse: (status: number, body: string) => {
          if (r.validate(status, body)) return;
          errors++;
          firstError ??= `${r.path}: ${status} ${String(body).slice(0, 200)}`;
        },
      })),
    },
    (err, result) => (err ? failed(err) : done(result)),
  );
  instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const result = await finished;
  const invalid = errors;
  errors += result.errors + result.timeouts;
  // every response is timed (percentiles); only the valid ones are ops
  const summary = summarize(latencies, errors, window.seconds, firstError);
  const ops = latencies.length - invalid;
  return { ...summary, ops, opsPerSec: Math.round((ops / window.seconds) * 10) / 10 };
}
