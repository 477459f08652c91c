// CPU per request of two servers, in alternating batches: for before/after comparisons of a change too
// small for the bench's throughput figures to show (they move by ±10% from run to run on a shared 2-core machine).
// Each side is a build's entry (`dist/src/main.js`, a copy of an older build inside the project such as
// `dist-old/src/main.js`), optionally with Node flags for that side after a space (`"dist/src/main.js
// --max-semi-space-size=32"`), or `bare` (the bench's bare oidc-provider), or `bare:log,headers` (the bare provider
// with those of Gatehouse's per-request features, bench/lib/bare-provider.ts). Both are started as the bench starts them
// (production, same Node flags and malloc), seeded and warmed up; then `rounds` times, A then B (B then A in odd
// rounds), `batch` requests of `kind` are sent `concurrency` at a time and the server's time on a CPU (Linux
// schedstat: time spent waiting for a core is left out), of its main thread and of all its threads, is divided by
// the batch.
// `node_modules/.bin/node --import tsx bench/cpu-ab.ts <client_credentials|introspection|userinfo|jwks> <A> <B>
// [rounds=8] [batch=4000] [concurrency=8]` after `npm run build`; see docs/performance.md.
import { startServer, type BenchServer } from "./lib/server.ts";
import { startBareServer, type BareServer } from "./lib/bare-server.ts";
import { seed, type Seeded } from "./lib/seed.ts";
import { flowContext, loginFlow, type FlowContext } from "./lib/flows.ts";
import { tokenRequests } from "./lib/token-requests.ts";
import { cpuNanos } from "./lib/proc.ts";
import { runCount } from "./lib/drivers.ts";

const [kind = "jwks", entryA = "dist-old/src/main.js", entryB = "dist/src/main.js"] = process.argv.slice(2);
const numberArg = (i: number, fallback: number) => Number(process.argv[i] ?? fallback);
const [rounds, batch, concurrency] = [numberArg(5, 8), numberArg(6, 4000), numberArg(7, 8)];
const request = tokenRequests[kind];
if (!request) throw new Error(`unknown kind ${kind}: ${Object.keys(tokenRequests).join(", ")}`);

type Side = { name: string; pid: number; ctx: FlowContext; stop(): Promise<void> };

const started: { stop(): Promise<void> }[] = [];
let seededDb: { url: string; seeded: Seeded } | undefined;

const isBare = (entry: string) => entry === "bare" || entry.startsWith("bare:");

async function startSide(entry: string): Promise<Side> {
  if (isBare(entry)) {
    if (!seededDb) throw new Error("bare needs a Gatehouse side first (its database holds the seeded users)");
    // "bare:log,headers": the bare provider with those of Gatehouse's features (bare-provider.ts); "bare": none
    const features = entry.slice("bare:".length).split(",").filter(Boolean);
    const bare: BareServer = await startBareServer(seededDb.url, seededDb.seeded.webClient, seededDb.seeded.machineClient, { features });
    started.push(bare);
    return { name: entry, pid: bare.pid, ctx: await flowContext(bare.baseUrl, bare.issuer, seededDb.seeded), stop: bare.stop };
  }
  const [file, ...nodeArgs] = entry.split(" ").filter(Boolean);
  const server: BenchServer = await startServer(undefined, { entry: file, nodeArgs });
  started.push(server);
  const seeded = await seed(
    server.databaseUrl,
    50,
    { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    { count: 1, masterKey: server.env.MASTER_KEY! },
  );
  seededDb ??= { url: server.databaseUrl, seeded };
  return { name: entry, pid: server.pid, ctx: await flowContext(server.baseUrl, server.issuer, seeded), stop: server.stop };
}

const send = (ctx: FlowContext, n: number) => runCount(n, concurrency, () => request(ctx));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  // a bare side needs the seeded database of a Gatehouse side: start Gatehouse first
  const [first, second] = isBare(entryA) ? [entryB, entryA] : [entryA, entryB];
  const one = await startSide(first);
  const two = await startSide(second);
  const [a, b] = isBare(entryA) ? [two, one] : [one, two];
  for (const side of [a, b]) {
    side.ctx.accessToken = (await loginFlow(side.ctx)).access_token;
    await send(side.ctx, 3 * batch); // the JIT, pools: the first batches after start cost more
  }
  // per request, in ms: the main thread's time on a CPU, and all threads' (V8's GC and compiler threads, libuv's pool)
  const perRequest = { main: { a: [] as number[], b: [] as number[] }, all: { a: [] as number[], b: [] as number[] } };
  for (let round = 0; round < rounds; round++) {
    for (const key of round % 2 ? (["b", "a"] as const) : (["a", "b"] as const)) {
      const side = key === "a" ? a : b;
      const before = cpuNanos(side.pid);
      await send(side.ctx, batch);
      const after = cpuNanos(side.pid);
      perRequest.main[key].push((after.main - before.main) / 1e6 / batch);
      perRequest.all[key].push((after.all - before.all) / 1e6 / batch);
    }
    const [x, y] = [perRequest.main.a.at(-1)!, perRequest.main.b.at(-1)!];
    console.log(`round ${round + 1}: main thread A ${x.toFixed(4)} ms, B ${y.toFixed(4)} ms, B ÷ A ${(y / x).toFixed(3)}`);
  }
  console.log(`${kind}, CPU ms per request, median of ${rounds} batches of ${batch}:`);
  for (const which of ["main", "all"] as const) {
    const { a: xs, b: ys } = perRequest[which];
    const ratio = median(ys.map((y, i) => y / xs[i]!));
    const bAhead = xs.filter((x, i) => ys[i]! < x).length;
    console.log(
      `  ${which === "main" ? "main thread" : "all threads"}: A ${a.name}: ${median(xs).toFixed(4)}   B ${b.name}: ${median(ys).toFixed(4)}   B ÷ A (median of the rounds' ratios) ${ratio.toFixed(3)}; B cheaper in ${bAhead} of ${rounds} rounds`,
    );
  }
} finally {
  for (const side of started.reverse()) await side.stop();
}
