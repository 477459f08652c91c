// POST /auth: OpenID Connect Core 3.1.2.1 says the authorization endpoint accepts POST (a form of the same
// parameters). oidc-provider 9 serves it only with `enableHttpPostMethods`, which needs the session cookie
// SameSite=None (a cross-site form post would not carry a Lax cookie, so the SSO session would not be seen); Gatehouse
// keeps its cookies Lax. So a form-posted authorization request is answered with 303 to GET /auth with the same
// parameters: a top-level GET navigation carries the Lax session cookie, and from there the request is exactly
// a GET's (offline access, team, prompts). The form's parameters only (like oidc-provider, which ignores the
// query string of a POST); a body over FORM_LIMIT is refused with 413, because the redirect puts the parameters
// in the request line, which Node limits (with the other headers) to 16 KiB.
import type { Context, Next } from "koa";
import type { IncomingMessage } from "node:http";
import type Provider from "oidc-provider";

export const FORM_LIMIT = 12 * 1024;

/** the body as text, or null when it is (or says it is) larger than `limit` bytes */
async function readLimited(req: IncomingMessage, declared: number | undefined, limit: number): Promise<string | null> {
  if (declared !== undefined && declared > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

export function authorizationPostAsGet() {
  return (provider: Provider): void => {
    // any other request passes without another async step
    provider.use((ctx, next) => (ctx.method === "POST" && ctx.path === "/auth" ? postAsGet(ctx, next) : next()));
    async function postAsGet(ctx: Context, next: Next): Promise<void> {
      if (!ctx.is("application/x-www-form-urlencoded")) return next();
      const body = await readLimited(ctx.req, ctx.request.length, FORM_LIMIT);
      if (body === null) return ctx.throw(413, "The authorization request is too large: send at most 12 KiB of parameters.");
      const params = new URLSearchParams(body);
      ctx.set("Cache-Control", "no-store");
      ctx.redirect(`${provider.issuer}/auth?${params.toString()}`);
      ctx.status = 303;
    }
  };
}
