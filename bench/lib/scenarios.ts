// The benchmark scenarios. Each names the limit it is compared with and its two concurrency levels. The password
// login and each token endpoint also run against the bare oidc-provider (target "bare") in a group with
// Gatehouse's, so the two alternate level by level and the report shows Gatehouse ÷ bare.
import { BENCH_RESOURCE } from "./server.ts";
import { runCannon, runLoop, type RunWindow } from "./drivers.ts";
import { basic, loginFlow, passkeyLoginFlow, rejectedLoginFlow, totpLoginFlow, type FlowContext } from "./flows.ts";
import type { Limits } from "./limits.ts";
import { analyticsScenario } from "./analytics.ts";
import type { Summary } from "./stats.ts";

export type Scenario = {
  name: string;
  limit: keyof Limits;
  levels: [number, number];
  /** which server it loads (default Gatehouse); the context passed to run is that server's */
  target?: "gatehouse" | "bare";
  /** scenarios of one group run alternately at each level and are compared in the report */
  group?: string;
  run(ctx: FlowContext, window: RunWindow): Promise<Summary>;
};

const json = <T>(body: string): T | undefined => {
  try {
    return JSON.parse(body) as T;
  } catch {
    return undefined;
  }
};

/** a scenario run against Gatehouse and against the bare oidc-provider, alternating level by level (one group) */
function againstBare(name: string, limit: keyof Limits, levels: [number, number], run: Scenario["run"]): Scenario[] {
  return [
    { name, limit, levels, group: name, run },
    { name: `${name}, bare oidc-provider`, limit, levels, group: name, target: "bare", run },
  ];
}

export function scenarios(ctx: FlowContext, databaseUrl: string): Scenario[] {
  const web = ctx.seeded.webClient;
  const machine = ctx.seeded.machineClient;
  return [
    {
      name: "password login (authorize, login, consent, code+PKCE, ID token verified)",
      limit: "argon2Verify",
      levels: [2, 8],
      group: "password login",
      run: (c, w) =>
        runLoop(
          w,
          () => null,
          async () => {
            await loginFlow(c);
          },
        ),
    },
    {
      name: "password login, bare oidc-provider (same walker and steps)",
      limit: "argon2Verify",
      levels: [2, 8],
      group: "password login",
      target: "bare",
      run: (c, w) =>
        runLoop(
          w,
          () => null,
          async () => {
            await loginFlow(c);
          },
        ),
    },
    {
      name: "password + TOTP login (code page, consent, code+PKCE, ID token verified)",
      limit: "argon2Verify",
      levels: [2, 8],
      run: (c, w) =>
        runLoop(
          w,
          () => null,
          async () => {
            await totpLoginFlow(c);
          },
        ),
    },
    {
      name: "passkey login (authorize, passkey options and assertion, consent, code+PKCE, ID token verified)",
      limit: "es256Sign",
      levels: [2, 8],
      run: (c, w) =>
        runLoop(
          w,
          () => null,
          async () => {
            await passkeyLoginFlow(c);
          },
        ),
    },
    {
      name: "rejected login (wrong password)",
      limit: "argon2Verify",
      levels: [2, 8],
      run: (c, w) =>
        runLoop(
          w,
          () => null,
          () => rejectedLoginFlow(c),
        ),
    },
    ...againstBare("refresh with rotation", "es256Sign", [8, 32], async (c, w) => {
      // one refresh-token chain per connection, each starting from a real login; autocannon resets its
      // per-connection context every request, so free chain heads wait in a queue between requests
      const free = await Promise.all(Array.from({ length: w.concurrency }, async () => (await loginFlow(c)).refresh_token!));
      const used = new Set<string>();
      return runCannon(c.baseUrl, w, [
        {
          method: "POST",
          path: "/token",
          headers: { authorization: basic(web.id, web.secret) },
          setupRequest: (req) => {
            const rt = free.shift();
            if (!rt) throw new Error("no free refresh token chain");
            used.add(rt);
            return { ...req, body: `grant_type=refresh_token&refresh_token=${rt}` };
          },
          validate: (status, body) => {
            const tokens = json<{ refresh_token?: string; access_token?: string; id_token?: string }>(body);
            if (status !== 200 || !tokens?.refresh_token || !tokens.access_token || !tokens.id_token || used.has(tokens.refresh_token))
              return false;
            free.push(tokens.refresh_token);
            return true;
          },
        },
      ]);
    }),
    ...againstBare("client_credentials (JWT access token)", "es256Sign", [8, 32], (c, w) =>
      runCannon(c.baseUrl, w, [
        {
          method: "POST",
          path: "/token",
          headers: { authorization: basic(machine.id, machine.secret) },
          body: `grant_type=client_credentials&resource=${encodeURIComponent(BENCH_RESOURCE)}`,
          validate: (status, body) => status === 200 && json<{ access_token?: string }>(body)?.access_token?.split(".").length === 3,
        },
      ]),
    ),
    ...againstBare("introspection", "bareHttp", [8, 32], (c, w) =>
      runCannon(c.baseUrl, w, [
        {
          method: "POST",
          path: "/token/introspection",
          headers: { authorization: basic(web.id, web.secret) },
          body: `token=${c.accessToken}`,
          validate: (status, body) => status === 200 && json<{ active?: boolean }>(body)?.active === true,
        },
      ]),
    ),
    ...againstBare("userinfo", "bareHttp", [8, 32], (c, w) =>
      runCannon(c.baseUrl, w, [
        {
          path: "/me",
          headers: { authorization: `Bearer ${c.accessToken}` },
          validate: (status, body) => status === 200 && typeof json<{ sub?: string }>(body)?.sub === "string",
        },
      ]),
    ),
    ...againstBare("JWKS + discovery", "bareHttp", [8, 32], (c, w) =>
      runCannon(c.baseUrl, w, [
        { path: "/jwks", validate: (status, body) => status === 200 && body.includes('"keys"') },
        {
          path: "/.well-known/openid-configuration",
          validate: (status, body) => status === 200 && body.includes(`"issuer":"${c.issuer}"`),
        },
      ]),
    ),
    // straight on the database through the analytics service (no API route yet): one op = the whole dashboard
    {
      name: "login analytics, 30 days (every aggregate)",
      limit: "auditSeqCount",
      levels: [1, 2],
      run: (_c, w) => analyticsScenario(databaseUrl, w),
    },
  ];
}
