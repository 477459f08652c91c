// The `idp` claim (#17): which upstream identity provider (connector slug) a session signed in through. The
// finished login hands it over in the interaction result (gatehouse.idp); when oidc-provider applies that login
// (the resume), it is kept beside the session (`federation:idp:{session uid}`, for the session's longest life).
// Tokens whose amr says `fed` read it back: access tokens (token-claims) and ID tokens (findAccount). Sign-ins
// without `fed` never touch the key, so a password sign-in costs no Redis command for it.
import type { Context, Next } from "koa";
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import type { RedisClient } from "../db/redis.ts";
import type { TokenClaimContributor } from "./token-claims.ts";

type WithIdp = { gatehouse?: { idp?: string } };
type TokenFacts = { amr?: string[]; sessionUid?: string };

export function createIdpClaim(redis: RedisClient, ttlSeconds: number) {
  const key = (sessionUid: string) => `federation:idp:{${sessionUid}}`;
  const lookup = async (token: TokenFacts | undefined): Promise<Record<string, string>> => {
    if (!token?.amr?.includes("fed") || !token.sessionUid) return {};
    const idp = await redis.get(key(token.sessionUid));
    return idp ? { idp } : {};
  };
  return {
    /** provider middleware: a resume that applies a login through an upstream remembers it for the session */
    install(provider: Provider): void {
      // only a resume (/auth/:uid) concerns it: every other request passes without another async step
      provider.use((ctx, next) => (ctx.path.startsWith("/auth/") ? rememberIdp(ctx, next) : next()));
      async function rememberIdp(ctx: Context, next: Next): Promise<void> {
        await next();
        const oidc = (ctx as Partial<KoaContextWithOIDC>).oidc;
        const idp = (oidc?.result as WithIdp | undefined)?.gatehouse?.idp;
        if (oidc?.route === "resume" && idp && oidc.result?.login && oidc.session?.uid)
          await redis.set(key(oidc.session.uid), idp, "EX", ttlSeconds);
      }
    },
    /** for access tokens: the code's or refresh token's amr and session */
    contributor: (async (ctx, token) => {
      const source = (ctx.oidc.entities.RefreshToken ?? ctx.oidc.entities.AuthorizationCode) as TokenFacts | undefined;
      return lookup({ amr: source?.amr ?? ctx.oidc.session?.amr, sessionUid: token.sessionUid ?? source?.sessionUid });
    }) satisfies TokenClaimContributor,
    /** for ID tokens (findAccount's claims): the token being answered for */
    forToken: (token: unknown) => lookup(token as TokenFacts | undefined),
  };
}

export type IdpClaim = ReturnType<typeof createIdpClaim>;
