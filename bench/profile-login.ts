// A CPU profile of the server's main thread over sign-ins only: starts the built server as the bench does with the
// inspector on a loopback port, seeds, warms up, then starts the V8 profiler through the inspector protocol, runs
// `count` sign-ins (`password`, `totp` or `passkey`) with `concurrency` browsers, stops it, and prints where the main
// thread spent its time per sign-in: by package or file (self time), by function (self), and our own code (inclusive).
// `introspection`, `userinfo` and `jwks` profile those requests instead (one opaque access token, as the bench), and
// `client_credentials` the bench's machine client's token requests (a JWT access token for the bench resource).
// PROFILE_TARGET=bare profiles the bare oidc-provider (bench/lib/bare-provider.ts) instead, the bench's yardstick,
// seeded and warmed up the same way (Gatehouse's server then only serves the seeding). Each run prints the main
// thread's and the whole process's time on a CPU per operation (Linux schedstat: time spent waiting for a core on
// a busy machine is left out, unlike the profile's busy time); PROFILE_CPU_ONLY=1 measures only that, without the
// sampling profiler's overhead, for before/after comparisons. PROFILE_HEAP=1 samples allocations instead of time
// (V8's sampling heap profiler, keeping what the GC collected meanwhile): bytes allocated per operation by package
// and by function (bench/lib/heap-profile.ts), written to /tmp/gatehouse-login.heapprofile.
// The profile is written to /tmp/gatehouse-login.cpuprofile (open it in Chrome DevTools). Start-up and seeding are not
// in it. `node_modules/.bin/node --import tsx bench/profile-login.ts [password|totp|passkey] [count] [concurrency]`
// after `npm run build` (Node 22: it needs the global WebSocket); see docs/performance.md.
import { writeFileSync } from "node:fs";
import { startServer } from "./lib/server.ts";
import { freePort } from "../test/helpers/databases.ts";
import { seed } from "./lib/seed.ts";
import { startBareServer, type BareServer } from "./lib/bare-server.ts";
import { flowContext, loginFlow, passkeyLoginFlow, totpLoginFlow, type FlowContext } from "./lib/flows.ts";
import { tokenRequests } from "./lib/token-requests.ts";
import { summarize } from "./lib/cpu-profile.ts";
import { summarizeAllocations, type HeapProfile } from "./lib/heap-profile.ts";
import { cpuNanos } from "./lib/proc.ts";
import { runCount } from "./lib/drivers.ts";

const kind = process.argv[2] ?? "password";
const count = Number(process.argv[3] ?? 200);
const concurrency = Number(process.argv[4] ?? 4);
const flow = { password: loginFlow, totp: totpLoginFlow, passkey: passkeyLoginFlow, ...tokenRequests }[kind];
if (!flow) throw new Error(`unknown kind ${kind}: password, totp, passkey, client_credentials, introspection, userinfo or jwks`);

const bareTarget = process.env.PROFILE_TARGET === "bare";
const cpuOnly = process.env.PROFILE_CPU_ONLY === "1";
const heap = process.env.PROFILE_HEAP === "1";
const inspectPort = await freePort();
const server = await startServer(undefined, { nodeArgs: bareTarget ? [] : [`--inspect=127.0.0.1:${inspectPort}`] });
let bare: BareServer | undefined;

/** the inspector protocol over the server's WebSocket: one method call at a time */
async function inspector() {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  };
  return {
    call: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve) => {
        const id = ++next;
        waiting.set(id, resolve as (r: unknown) => void);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

const run = (ctx: FlowContext, n: number) => runCount(n, concurrency, () => flow(ctx));

let cdp: Awaited<ReturnType<typeof inspector>> | undefined;
try {
  const seeded = await seed(
    server.databaseUrl,
    400,
    { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    { count: 40, masterKey: server.env.MASTER_KEY! },
  );
  if (bareTarget)
    bare = await startBareServer(server.databaseUrl, seeded.webClient, seeded.machineClient, {
      nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`],
    });
  const ctx = bare ? await flowContext(bare.baseUrl, bare.issuer, seeded) : await flowContext(server.baseUrl, server.issuer, seeded);
  if (kind in tokenRequests) ctx.accessToken = (await loginFlow(ctx)).access_token;
  await run(ctx, kind in tokenRequests ? 2000 : 30); // warm: the JIT, prepared statements, pools
  cdp = await inspector();
  await cdp.call("Profiler.enable");
  await cdp.call("Profiler.setSamplingInterval", { interval: 200 });
  if (heap) {
    await cdp.call("HeapProfiler.enable");
    // every 256 bytes on average; what the minor and major GC collect stays in the profile (allocated, not alive)
    const flags = { includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true };
    await cdp.call("HeapProfiler.startSampling", { samplingInterval: 256, ...flags });
  } else if (!cpuOnly) await cdp.call("Profiler.start");
  const pid = bare?.pid ?? server.pid;
  const cpuBefore = cpuNanos(pid);
  const started = performance.now();
  await run(ctx, count);
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuNanos(pid);
  const allocations = heap ? (await cdp.call<{ profile: HeapProfile }>("HeapProfiler.stopSampling")).profile : undefined;
  if (allocations) writeFileSync("/tmp/gatehouse-login.heapprofile", JSON.stringify(allocations));
  const profile = cpuOnly || heap ? undefined : (await cdp.call<{ profile: Parameters<typeof summarize>[0] }>("Profiler.stop")).profile;
  if (profile) writeFileSync("/tmp/gatehouse-login.cpuprofile", JSON.stringify(profile));
  console.log(
    `${bare ? "bare oidc-provider: " : ""}${count} ${kind} ${kind in tokenRequests ? "requests" : "sign-ins"}, ${concurrency} at a time, in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(1)}/s)`,
  );
  const perOp = (ns: number) => (ns / 1e6 / count).toFixed(3);
  console.log(
    `on a CPU: main thread ${perOp(cpuAfter.main - cpuBefore.main)} ms, all threads ${perOp(cpuAfter.all - cpuBefore.all)} ms per operation ${cpuOnly ? "" : " (with the profiler's own overhead)"}`,
  );
  if (profile) console.log(summarize(profile, count));
  if (allocations) console.log(summarizeAllocations(allocations, count));
} finally {
  cdp?.close(); // the server waits for its debugger to leave before it exits
  await bare?.stop();
  await server.stop();
}
