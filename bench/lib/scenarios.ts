// The benchmark scenarios. Each names the limit it is compared with and its two concurrency levels.
import { BENCH_RESOURCE } from "./server.ts";
import { createHttp, runLoop, runRequests, type RunWindow } from "./drivers.ts";
import { basic, loginFlow, rejectedLoginFlow, type FlowContext } from "./flows.ts";
import type { Limits } from "./limits.ts";
import type { Summary } from "./stats.ts";

export type Scenario = {
  name: string;
  limit: keyof Limits;
  levels: [number, number];
  run(ctx: FlowContext, window: RunWindow): Promise<Summary>;
};

const json = <T>(body: string): T | undefined => { try { return JSON.parse(body) as T; } catch { return undefined; } };

export function scenarios(ctx: FlowContext, sharedAccessToken: string): Scenario[] {
  const web = ctx.seeded.webClient;
  const machine = ctx.seeded.machineClient;
  return [
    { name: "password login (authorize, login, consent, code+PKCE, ID token verified)", limit: "argon2Verify", levels: [2, 8],
      run: (c, w) => runLoop(w, () => null, async () => { await loginFlow(c); }) },
    { name: "rejected login (wrong password)", limit: "argon2Verify", levels: [2, 8],
      run: (c, w) => runLoop(w, () => null, () => rejectedLoginFlow(c)) },
    { name: "refresh with rotation", limit: "es256Sign", levels: [8, 32],
      run: async (c, w) => {
        const http = createHttp(c.baseUrl, w.concurrency);
        try {
          return await runLoop(w, async () => ({ rt: (await loginFlow(c)).refresh_token! }), async (state) => {
            const res = await http.send({ method: "POST", path: "/token", headers: { authorization: basic(web.id, web.secret) }, body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: state.rt }).toString() });
            const body = json<{ refresh_token?: string; access_token?: string; id_token?: string }>(res.body);
            if (res.status !== 200 || !body?.refresh_token || !body.access_token || !body.id_token || body.refresh_token === state.rt) throw new Error(`refresh ${res.status} ${res.body.slice(0, 200)}`);
            state.rt = body.refresh_token;
          });
        } finally {
          await http.close();
        }
      } },
    { name: "client_credentials (JWT access token)", limit: "es256Sign", levels: [8, 32],
      run: (c, w) => runRequests(c.baseUrl, w, () => ({ method: "POST", path: "/token", headers: { authorization: basic(machine.id, machine.secret) }, body: `grant_type=client_credentials&resource=${encodeURIComponent(BENCH_RESOURCE)}` }),
        (status, body) => status === 200 && (json<{ access_token?: string }>(body)?.access_token?.split(".").length === 3)) },
    { name: "introspection", limit: "bareHttp", levels: [8, 32],
      run: (c, w) => runRequests(c.baseUrl, w, () => ({ method: "POST", path: "/token/introspection", headers: { authorization: basic(web.id, web.secret) }, body: `token=${sharedAccessToken}` }),
        (status, body) => status === 200 && json<{ active?: boolean }>(body)?.active === true) },
    { name: "userinfo", limit: "bareHttp", levels: [8, 32],
      run: (c, w) => runRequests(c.baseUrl, w, () => ({ path: "/me", headers: { authorization: `Bearer ${sharedAccessToken}` } }),
        (status, body) => status === 200 && typeof json<{ sub?: string }>(body)?.sub === "string") },
    { name: "JWKS + discovery", limit: "bareHttp", levels: [8, 32],
      run: (c, w) => {
        let n = 0;
        return runRequests(c.baseUrl, w, () => ({ path: n++ % 2 ? "/jwks" : "/.well-known/openid-configuration" }),
          (status, body) => status === 200 && (body.includes('"keys"') || body.includes(`"issuer":"${c.issuer}"`)));
      } },
  ];
}
