// The load generator: a closed loop of N workers on 127.0.0.1, each running one op after another (a single
// request, or a multi-step browser-style flow) until the time is up. Only validated results count as ops;
// anything else is an error. The same driver measures the bare-HTTP limit, so ratios compare like with like.
import { Pool } from "undici";
import { summarize, type Summary } from "./stats.ts";

export type RunWindow = { concurrency: number; seconds: number };

/** runs `op` in `concurrency` loops for `seconds`; each worker gets its own state from `init` */
export async function runLoop<S>(window: RunWindow, init: (worker: number) => Promise<S> | S, op: (state: S) => Promise<void>): Promise<Summary> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const states = await Promise.all(Array.from({ length: window.concurrency }, (_, i) => init(i)));
  const started = performance.now();
  const deadline = started + window.seconds * 1000;
  await Promise.all(states.map(async (state) => {
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
  }));
  return summarize(latencies, errors, (performance.now() - started) / 1000, firstError);
}

export type HttpRequest = { method?: "GET" | "POST"; path: string; headers?: Record<string, string>; body?: string };

/** a keep-alive connection pool to the server, speaking plain HTTP as a TLS proxy would behind the scenes */
export function createHttp(baseUrl: string, connections: number) {
  const pool = new Pool(baseUrl, { connections, pipelining: 1 });
  return {
    async send(req: HttpRequest): Promise<{ status: number; body: string }> {
      const res = await pool.request({
        method: req.method ?? "GET",
        path: req.path,
        headers: { "x-forwarded-proto": "https", ...(req.body ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...req.headers },
        body: req.body,
      });
      return { status: res.statusCode, body: await res.body.text() };
    },
    close: () => pool.close(),
  };
}

/** one request per op, validated */
export async function runRequests(baseUrl: string, window: RunWindow, next: (worker: number) => HttpRequest, validate: (status: number, body: string) => boolean): Promise<Summary> {
  const http = createHttp(baseUrl, window.concurrency);
  try {
    return await runLoop(window, (worker) => ({ worker }), async ({ worker }) => {
      const { status, body } = await http.send(next(worker));
      if (!validate(status, body)) throw new Error(`${status} ${body.slice(0, 200)}`);
    });
  } finally {
    await http.close();
  }
}
