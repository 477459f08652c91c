// Bearer tokens for Gatehouse's own REST API: JWT access tokens this provider issued for the resource
// ISSUER/api, checked by the same resource-server helper services use, against the provider's own published
// keys read locally (never over HTTP from itself).
import type { Context, Middleware, Next } from "koa";
import type { AppContext } from "../../web-context.ts";
import { publishedKeys, SIGNING_ALGORITHMS } from "../../../oidc/published-keys.ts";
import { createResourceServer, type AccessTokenClaims } from "../../../resource-server/index.ts";
import { catalogueError } from "../../errors.ts";

/** the audience (resource indicator) of Gatehouse's own API */
export const apiAudience = (issuer: string) => `${issuer}/api`;

export type ApiAuth = {
  /** any valid access token for the API; its claims land in ctx.state.token */
  token: Middleware;
  /** a client_credentials token: the client acting for itself, not for a user */
  clientToken: Middleware;
};

export const tokenOf = (ctx: Context) => ctx.state.token as AccessTokenClaims;

export function createApiAuth(app: AppContext): ApiAuth {
  const server = createResourceServer({
    issuer: app.config.issuer,
    audience: apiAudience(app.config.issuer),
    jwks: publishedKeys(app.services.keys, app.clock, app.config.keys.refreshSeconds * 1000),
    algorithms: SIGNING_ALGORITHMS,
  });
  const token = async (ctx: Context, next: Next) => {
    ctx.state.token = await server.verify(ctx.get("authorization"));
    await next();
  };
  return {
    token,
    clientToken: async (ctx, next) =>
      token(ctx, async () => {
        const claims = tokenOf(ctx);
        // oidc-provider makes a client_credentials token's sub the client itself; a user's token has the user's id
        if (claims.sub !== claims.client_id) throw catalogueError("token.client_credentials_required");
        await next();
      }),
  };
}
