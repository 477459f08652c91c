// The servers the scenarios load: the Gatehouse bench server, and the bare oidc-provider only when a selected
// scenario needs it (same clients, same seeded users, warmed up the same way).
import { flowContext, loginFlow, type FlowContext } from "./flows.ts";
import { startBareServer, type BareServer } from "./bare-server.ts";
import type { BenchServer } from "./server.ts";
import type { Seeded } from "./seed.ts";
import type { Scenario } from "./scenarios.ts";

export type Target = { pid: number; baseUrl: string; ctx: FlowContext; kind: "gatehouse" | "bare" };

/**
 * the target each scenario runs against. The bare server goes into `running` as soon as it starts, so the
 * caller stops it (in its `finally`) even when what follows fails.
 */
export async function startTargets(opts: {
  selected: Scenario[];
  server: BenchServer;
  ctx: FlowContext;
  seeded: Seeded;
  warmUpLogins: number;
  running: { bare?: BareServer };
}): Promise<(s: Scenario) => Target> {
  const { server, ctx, seeded, running } = opts;
  if (opts.selected.some((s) => s.target === "bare"))
    running.bare = await startBareServer(server.databaseUrl, seeded.webClient, seeded.machineClient);
  const bare = running.bare;
  const bareCtx = bare && (await flowContext(bare.baseUrl, bare.issuer, seeded));
  if (bareCtx) {
    bareCtx.accessToken = (await loginFlow(bareCtx)).access_token;
    for (let i = 0; i < opts.warmUpLogins; i++) await loginFlow(bareCtx);
  }
  return (s) =>
    s.target === "bare"
      ? { pid: bare!.pid, baseUrl: bare!.baseUrl, ctx: bareCtx!, kind: "bare" as const }
      : { pid: server.pid, baseUrl: server.baseUrl, ctx, kind: "gatehouse" as const };
}
