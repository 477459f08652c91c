// `npm run bench -- --soak <minutes>`: a bounded mixed load (sign-ins, refresh-token chains, userinfo and
// introspection) for the given minutes, sampling every 30 s the server's RSS and V8 heap and the Redis bytes and
// keys under its prefix; the first sample after the warm-up minute is the baseline that growth is reported
// against (the issue's "flat over the soak after warm-up"). Stops by itself; any error fails the run.
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { basic, loginFlow, type FlowContext } from "./flows.ts";
import { BENCH_REDIS_URL } from "./server.ts";

export type SoakSample = {
  atSeconds: number;
  rssMiB: number;
  heapUsedMiB: number;
  redisKeys: number;
  redisMiB: number;
  ops: Record<string, number>;
};

const rssMiB = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 102.4) / 10;
};

async function heapUsedMiB(baseUrl: string): Promise<number> {
  const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = metrics.split("\n").find((l) => l.startsWith("nodejs_heap_size_used_bytes"));
  return Math.round(Number(line?.split(" ")[1] ?? 0) / 104857.6) / 10;
}

/** MEMORY USAGE of every key under the prefix, pipelined 500 at a time */
async function redisUsage(redis: Redis, prefix: string): Promise<{ keys: number; bytes: number }> {
  let cursor = "0";
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    keys += batch.length;
    const usage = await Promise.all(batch.map((k) => redis.memory("USAGE", k)));
    bytes += usage.reduce<number>((n, u) => n + (Number(u) || 0), 0);
  } while (cursor !== "0");
  return { keys, bytes };
}

export async function soak(opts: {
  ctx: FlowContext;
  pid: number;
  baseUrl: string;
  redisPrefix: string;
  minutes: number;
  sharedAccessToken: string;
}) {
  const { ctx } = opts;
  const web = ctx.seeded.webClient;
  const deadline = Date.now() + opts.minutes * 60_000;
  const ops: Record<string, number> = { login: 0, refresh: 0, userinfo: 0, introspection: 0 };
  let errors = 0;
  let firstError: string | undefined;
  const loop = (name: string, op: () => Promise<void>) =>
    (async () => {
      while (Date.now() < deadline && errors < 100) {
        try {
          await op();
          ops[name]!++;
        } catch (err) {
          errors++;
          firstError ??= `${name}: ${(err as Error).message.slice(0, 200)}`;
        }
      }
    })();
  const post = (path: string, body: string) =>
    fetch(`${ctx.baseUrl}${path}`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-forwarded-proto": "https",
        authorization: basic(web.id, web.secret),
      },
    });
  /** one refresh-token chain: rotate, and start a new chain with a sign-in every 50 rotations */
  const chain = () => {
    let rt: string | undefined;
    let left = 0;
    return async () => {
      if (!rt || left-- <= 0) {
        rt = (await loginFlow(ctx)).refresh_token!;
        left = 50;
      }
      const res = await post("/token", `grant_type=refresh_token&refresh_token=${rt}`);
      const body = (await res.json()) as { refresh_token?: string };
      if (res.status !== 200 || !body.refresh_token) throw new Error(`refresh ${res.status}`);
      rt = body.refresh_token;
    };
  };
  const redis = new Redis(BENCH_REDIS_URL);
  const samples: SoakSample[] = [];
  const started = Date.now();
  const sampler = (async () => {
    while (Date.now() < deadline && errors < 100) {
      const usage = await redisUsage(redis, opts.redisPrefix);
      samples.push({
        atSeconds: Math.round((Date.now() - started) / 1000),
        rssMiB: rssMiB(opts.pid),
        heapUsedMiB: await heapUsedMiB(opts.baseUrl),
        redisKeys: usage.keys,
        redisMiB: Math.round(usage.bytes / 104857.6) / 10,
        ops: { ...ops },
      });
      const s = samples.at(-1)!;
      console.log(
        `  soak ${s.atSeconds} s: RSS ${s.rssMiB} MiB, heap ${s.heapUsedMiB} MiB, Redis ${s.redisMiB} MiB in ${s.redisKeys} keys, ops ${JSON.stringify(s.ops)}`,
      );
      await new Promise((r) => setTimeout(r, Math.min(30_000, Math.max(0, deadline - Date.now()))));
    }
  })();
  await Promise.all([
    loop("login", async () => {
      await loginFlow(ctx);
    }),
    loop("login", async () => {
      await loginFlow(ctx);
    }),
    ...Array.from({ length: 4 }, () => loop("refresh", chain())),
    loop("userinfo", async () => {
      const res = await fetch(`${ctx.baseUrl}/me`, {
        headers: { authorization: `Bearer ${opts.sharedAccessToken}`, "x-forwarded-proto": "https" },
      });
      if (res.status !== 200) throw new Error(`userinfo ${res.status}`);
      await res.arrayBuffer();
    }),
    loop("introspection", async () => {
      const res = await post("/token/introspection", `token=${opts.sharedAccessToken}`);
      if (res.status !== 200 || ((await res.json()) as { active?: boolean }).active !== true)
        throw new Error(`introspection ${res.status}`);
    }),
    sampler,
  ]);
  redis.disconnect();
  const baseline = samples.find((s) => s.atSeconds >= 60) ?? samples[0]!;
  const last = samples.at(-1)!;
  const growth = (a: number, b: number) => (a ? Math.round(((b - a) / a) * 1000) / 10 : 0);
  const summary = {
    minutes: opts.minutes,
    errors,
    firstError,
    samples,
    peakRssMiB: Math.max(...samples.map((s) => s.rssMiB)),
    growthAfterWarmup: {
      rssPercent: growth(baseline.rssMiB, last.rssMiB),
      heapPercent: growth(baseline.heapUsedMiB, last.heapUsedMiB),
      redisPercent: growth(baseline.redisMiB, last.redisMiB),
    },
  };
  console.log(
    `soak: ${opts.minutes} min, ${errors} errors${firstError ? ` (${firstError})` : ""}; peak RSS ${summary.peakRssMiB} MiB; growth after warm-up (from ${baseline.atSeconds} s): RSS ${summary.growthAfterWarmup.rssPercent}%, heap ${summary.growthAfterWarmup.heapPercent}%, Redis ${summary.growthAfterWarmup.redisPercent}%`,
  );
  return summary;
}
