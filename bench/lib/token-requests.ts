// One request of each token-endpoint kind, as the bench sends it and checking its answer: used by profile-login.ts and
// cpu-ab.ts (fetch, so a batch runs in the measuring process; the bench's own load generator is autocannon).
import { BENCH_RESOURCE } from "./server.ts";
import { basic, type FlowContext } from "./flows.ts";

const https = { "x-forwarded-proto": "https" };
export const tokenRequests: Record<string, (ctx: FlowContext) => Promise<void>> = {
  client_credentials: async (ctx) => {
    const res = await fetch(`${ctx.baseUrl}/token`, {
      method: "POST",
      body: `grant_type=client_credentials&resource=${encodeURIComponent(BENCH_RESOURCE)}`,
      headers: {
        ...https,
        "content-type": "application/x-www-form-urlencoded",
        authorization: basic(ctx.seeded.machineClient.id, ctx.seeded.machineClient.secret),
      },
    });
    const token = res.status === 200 ? ((await res.json()) as { access_token?: string }).access_token : undefined;
    if (token?.split(".").length !== 3) throw new Error(`client_credentials ${res.status}`);
  },
  introspection: async (ctx) => {
    const res = await fetch(`${ctx.baseUrl}/token/introspection`, {
      method: "POST",
      body: `token=${ctx.accessToken}`,
      headers: {
        ...https,
        "content-type": "application/x-www-form-urlencoded",
        authorization: basic(ctx.seeded.webClient.id, ctx.seeded.webClient.secret),
      },
    });
    if (res.status !== 200 || !((await res.json()) as { active?: boolean }).active) throw new Error(`introspection ${res.status}`);
  },
  jwks: async (ctx) => {
    const res = await fetch(`${ctx.baseUrl}/jwks`, { headers: https });
    if (res.status !== 200) throw new Error(`jwks ${res.status}`);
    await res.arrayBuffer();
  },
  userinfo: async (ctx) => {
    const res = await fetch(`${ctx.baseUrl}/me`, { headers: { ...https, authorization: `Bearer ${ctx.accessToken}` } });
    if (res.status !== 200) throw new Error(`userinfo ${res.status}`);
    await res.arrayBuffer();
  },
};
