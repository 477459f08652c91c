// The Redis commands of one sign-in, as the server sends them: starts the built server as the bench does, signs in
// once to warm up, then once more (`totp` as argument: with a TOTP code; `refresh`: one refresh-token rotation after a sign-in) under MONITOR, and prints each command the
// server sent (not those run inside its scripts) with the count. `npx tsx bench/trace-login.ts [totp]` after
// `npm run build`; see docs/performance.md. `sql` as a second argument (e.g. `trace-login.ts password sql`) also prints
// the SQL statements the server sent during the traced request(s), between two marker lines on stderr.
import { Redis } from "ioredis";
import { startServer, BENCH_REDIS_URL } from "./lib/server.ts";
import { seed } from "./lib/seed.ts";
import { basic, flowContext, loginFlow, totpLoginFlow } from "./lib/flows.ts";

const traceSql = process.argv.includes("sql");
if (traceSql) process.env.BENCH_SERVER_ENV = `${process.env.BENCH_SERVER_ENV ?? ""} GATEHOUSE_BENCH_TRACE_SQL=1`;
const server = await startServer();
try {
  const seeded = await seed(
    server.databaseUrl,
    20,
    { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    { count: 4, masterKey: server.env.MASTER_KEY! },
  );
  const ctx = await flowContext(server.baseUrl, server.issuer, seeded);
  await loginFlow(ctx); // warm
  const mon = await new Redis(BENCH_REDIS_URL, { enableReadyCheck: false, lazyConnect: true }).monitor();
  const lines: string[] = [];
  mon.on("monitor", (_t: string, args: string[], source: string) => {
    if (!source.includes("lua") && args.some((a) => a.includes(server.redisPrefix)))
      lines.push(
        args
          .map((a) => a.replace(server.redisPrefix, ""))
          .map((a) => (a.length > 90 ? a.slice(0, 90) + "…" : a))
          .join(" "),
      );
  });
  await new Promise((r) => setTimeout(r, 300));
  if (traceSql) process.stderr.write("----- traced sign-in: SQL from here -----\n");
  const refreshToken = process.argv[2] === "refresh" ? (await loginFlow(ctx)).refresh_token! : undefined;
  if (refreshToken) {
    await new Promise((r) => setTimeout(r, 300));
    lines.length = 0;
    const res = await fetch(`${ctx.baseUrl}/token`, {
      method: "POST",
      body: `grant_type=refresh_token&refresh_token=${refreshToken}`,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-forwarded-proto": "https",
        authorization: basic(seeded.webClient.id, seeded.webClient.secret),
      },
    });
    if (res.status !== 200) throw new Error(`refresh ${res.status}`);
  } else if (process.argv[2] === "totp") await totpLoginFlow(ctx);
  else await loginFlow(ctx);
  await new Promise((r) => setTimeout(r, 500));
  if (traceSql) process.stderr.write("----- end of the traced SQL -----\n");
  mon.disconnect();
  console.log(lines.join("\n"));
  console.log("commands:", lines.length);
} finally {
  await server.stop();
}
