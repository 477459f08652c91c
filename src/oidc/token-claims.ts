// Claims added to access tokens. Core adds `sid`, `amr` and `grant_id`; features register their own contributors
// here instead of editing the provider configuration (teams: team, role and permissions, see team-claims.ts).
import type { KoaContextWithOIDC } from "oidc-provider";

export type TokenLike = {
  accountId?: string;
  grantId?: string;
  sessionUid?: string;
  clientId?: string;
  kind?: string;
  scope?: string;
  aud?: unknown;
};
export type TokenClaimContributor = (
  ctx: KoaContextWithOIDC,
  token: TokenLike,
) => Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;

export function createTokenClaims() {
  const contributors: TokenClaimContributor[] = [];

  const core: TokenClaimContributor = (ctx, token) => {
    if (!token.accountId) return undefined; // client_credentials: no user
    const { entities, session } = ctx.oidc;
    const source = (entities.RefreshToken ?? entities.AuthorizationCode) as { amr?: string[] } | undefined;
    const amr = source?.amr ?? session?.amr;
    // sid: the Gatehouse sign-in session (the same id the sessions API lists), so a service can tie a token
    // to the session it came from; grant_id: the grant behind the token, which JWT introspection looks up (a
    // JWT access token is not stored: jwt-introspection.ts). An identifier, not a credential: nothing accepts it
    return {
      ...(token.sessionUid ? { sid: token.sessionUid } : {}),
      ...(amr ? { amr } : {}),
      ...(token.grantId ? { grant_id: token.grantId } : {}),
    };
  };
  contributors.push(core);

  return {
    register(contributor: TokenClaimContributor) {
      contributors.push(contributor);
    },
    async collect(ctx: KoaContextWithOIDC, token: TokenLike): Promise<Record<string, unknown> | undefined> {
      const parts = await Promise.all(contributors.map((c) => c(ctx, token)));
      const merged = Object.assign({}, ...parts.filter(Boolean));
      return Object.keys(merged).length ? merged : undefined;
    },
  };
}

export type TokenClaims = ReturnType<typeof createTokenClaims>;
