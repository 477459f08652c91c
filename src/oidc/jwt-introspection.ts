// Introspection (RFC 7662) of JWT access tokens (RFC 9068). oidc-provider stores no JWT access token, so its
// introspection endpoint refuses one with unsupported_token_type, after it has authenticated the caller. This
// provider middleware answers such a refusal instead: the token is verified like a resource server would
// (signature by one of the published keys, issuer, one of RESOURCE_SERVERS as audience, typ at+jwt, expiry), then
// what it speaks for must still be there: the client (not deleted or disabled), and for a user's token the grant
// it came from (`grant_id`; a disable, "sign out everywhere", a session revoke, a password change, leaving a team
// and a logout all revoke grants), the user (not disabled or deleted) and, unless the grant holds offline_access
// for a client whose tokens outlive the session, the sign-in session (`sid`). Anything else is `active: false`,
// never an error. Like oidc-provider's default policy, a public client may introspect only its own tokens.
import type { Context, Next } from "koa";
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import { createResourceServer, type AccessTokenClaims } from "../resource-server/index.ts";
import type { Logger } from "../lib/logger.ts";
import type { Clock } from "../lib/clock.ts";
import type { Config } from "../config/load.ts";
import type { AccountService } from "../services/accounts.ts";
import type { ClientService } from "../services/clients.ts";
import type { SigningKeyService } from "../services/signing-keys.ts";
import type { RedisAdapterClass } from "./redis-adapter.ts";
import { isDependencyUnavailable } from "../db/unavailable.ts";
import { publishedKeys, SIGNING_ALGORITHMS } from "./published-keys.ts";

export type JwtIntrospectionDeps = {
  /** the claims of a valid access token of this issuer for one of its resource servers; throws otherwise */
  verify(token: string): Promise<AccessTokenClaims>;
  /** whether the user exists and is not disabled (read afresh) */
  userActive(userId: string): Promise<boolean>;
  /** the client when it exists and is not disabled */
  client(clientId: string): Promise<{ endsWithSession: boolean } | undefined>;
  /** whether the Gatehouse sign-in session of this uid is alive */
  sessionAlive(uid: string): Promise<boolean>;
  log: Logger;
};

type Grant = { clientId?: string; accountId?: string; getOIDCScope(): string };

/** whether what a verified token speaks for is still there */
async function stillLive(deps: JwtIntrospectionDeps, provider: Provider, claims: AccessTokenClaims): Promise<boolean> {
  const client = await deps.client(claims.client_id);
  if (!client) return false;
  // client_credentials: the client acting for itself (oidc-provider makes it the sub), no grant, no user
  if (claims.grant_id === undefined && claims.sub === claims.client_id) return true;
  // a user's token names its grant; one without (issued before grant_id existed) cannot be checked
  if (!claims.grant_id) return false;
  const grant = (await provider.Grant.find(claims.grant_id)) as Grant | undefined;
  if (!grant || grant.clientId !== claims.client_id || grant.accountId !== claims.sub) return false;
  if (!(await deps.userActive(claims.sub))) return false;
  const outlivesSession = !client.endsWithSession && grant.getOIDCScope().split(" ").includes("offline_access");
  return outlivesSession || (claims.sid !== undefined && (await deps.sessionAlive(claims.sid)));
}

/** whether oidc-provider just refused to introspect a structured token for an authenticated caller */
function refusedJwt(ctx: KoaContextWithOIDC): boolean {
  const body = ctx.body as { error?: unknown } | undefined;
  return ctx.oidc?.route === "introspection" && ctx.status === 400 && body?.error === "unsupported_token_type" && Boolean(ctx.oidc.client);
}

async function answer(deps: JwtIntrospectionDeps, provider: Provider, ctx: KoaContextWithOIDC): Promise<void> {
  const caller = ctx.oidc.client!;
  const token = (ctx.oidc.params as { token?: unknown } | undefined)?.token;
  ctx.status = 200;
  ctx.body = { active: false };
  if (typeof token !== "string") return;
  const claims = await deps.verify(token).catch(() => undefined);
  if (!claims) return;
  if (caller.clientAuthMethod === "none" && claims.client_id !== caller.clientId) return;
  if (!(await stillLive(deps, provider, claims))) return;
  ctx.body = { ...claims, active: true, token_type: "Bearer" };
}

export function jwtIntrospection(deps: JwtIntrospectionDeps) {
  return (provider: Provider): void => {
    // only introspection concerns it: every other request passes without another async step
    provider.use((koaCtx, next) => (koaCtx.path === "/token/introspection" ? answerRefusedJwt(koaCtx, next) : next()));
    async function answerRefusedJwt(koaCtx: Context, next: Next): Promise<void> {
      await next();
      const ctx = koaCtx as unknown as KoaContextWithOIDC;
      if (!refusedJwt(ctx)) return;
      try {
        await answer(deps, provider, ctx);
      } catch (err) {
        const unavailable = isDependencyUnavailable(err) || (err as { status?: unknown }).status === 503;
        if (!unavailable) deps.log.error({ err }, "introspecting a JWT access token failed");
        ctx.status = unavailable ? 503 : 500;
        ctx.body = unavailable
          ? {
              error: "temporarily_unavailable",
              error_description: "Gatehouse cannot reach its database right now; try again in a few seconds",
            }
          : { error: "server_error", error_description: "oops! something went wrong" };
      }
    }
  };
}

/** the middleware with Gatehouse's own pieces: its published keys and resource servers, accounts, clients, sessions */
export function jwtIntrospectionFor(app: {
  config: Config;
  clock: Clock;
  log: Logger;
  services: {
    keys: Pick<SigningKeyService, "list">;
    accounts: Pick<AccountService, "findActive">;
    clients: Pick<ClientService, "find">;
    oidcStore: Pick<RedisAdapterClass, "sessionsAlive">;
  };
}) {
  const { config, services } = app;
  const server = createResourceServer({
    issuer: config.issuer,
    audience: config.resourceServers,
    jwks: publishedKeys(services.keys, app.clock, config.keys.refreshSeconds * 1000),
    algorithms: SIGNING_ALGORITHMS,
    // the issuer's own answer: its clock, and a token past its exp is inactive at once (RFC 7662), no leeway
    currentDate: () => app.clock.now(),
    clockToleranceSeconds: 0,
  });
  return jwtIntrospection({
    verify: (token) => server.verify(token),
    userActive: async (id) => Boolean(await services.accounts.findActive(id)),
    client: async (id) => {
      const row = await services.clients.find(id);
      return row && !row.disabled ? row : undefined;
    },
    sessionAlive: async (uid) => (await services.oidcStore.sessionsAlive([uid]))[0] === true,
    log: app.log,
  });
}
