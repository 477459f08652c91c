// Who is signed in on Gatehouse's own account pages: the oidc-provider SSO session of this browser (its
// session cookie), so signing in here and in any app is one sign-in, and ending a session (logout, password
// reset, "sign out everywhere") ends it here too. Without a session, /login starts an ordinary authorization
// request for the built-in first-party client "gatehouse-account"; the login pages run as for any app and the
// callback lands on the page the user wanted (same-origin paths only).
import type { Context, Next } from "koa";
import { randomToken, sha256 } from "../lib/crypto.ts";
import type { AppContext } from "./web-context.ts";
import type { User } from "../queries/users.ts";
import { ACCOUNT_CLIENT_ID, accountCallbackUrl } from "../oidc/configuration.ts";
import { catalogueError } from "./errors.ts";

export type AccountSession = { user: User; sessionId: string; sessionUid: string; amr: string[]; loginTs: number | null };

const STATE_COOKIE = "gh.account-login";
/** only our own pages: "/account/security", never "//evil.example" or "https://…" */
export const safeReturnPath = (value: unknown, fallback = "/account") =>
  typeof value === "string" && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) && value.length <= 200 ? value : fallback;

export function createAccountSessions(app: AppContext) {
  const secure = app.config.isProduction;

  return {
    /** the signed-in user of this browser, or null */
    async current(ctx: Context): Promise<AccountSession | null> {
      const session = await app.oidc.provider.Session.get(ctx);
      if (!session.accountId) return null;
      const user = await app.services.accounts.findActive(session.accountId);
      if (!user) return null;
      return { user, sessionId: session.jti, sessionUid: session.uid, amr: session.amr ?? [], loginTs: session.loginTs ?? null };
    },

    /**
     * redirects to the provider's authorization endpoint for the account client; returns to `returnTo` afterwards
     * (undefined: no page was asked for, the callback picks the landing page)
     */
    startLogin(ctx: Context, returnTo: string | undefined, extra: Record<string, string> = {}): void {
      const state = randomToken(16);
      ctx.cookies.set(STATE_COOKIE, JSON.stringify({ state, returnTo: returnTo === undefined ? undefined : safeReturnPath(returnTo) }), {
        httpOnly: true,
        sameSite: "lax",
        secure,
        signed: true,
        maxAge: app.config.session.interactionTtl * 1000,
        overwrite: true,
      });
      const url = new URL(`${app.config.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: ACCOUNT_CLIENT_ID,
        redirect_uri: accountCallbackUrl(app.config.issuer),
        response_type: "code",
        scope: "openid",
        state,
        // PKCE is required for every client; the code is never exchanged (the session is what the pages use)
        code_challenge: sha256(randomToken(32)),
        code_challenge_method: "S256",
        ...extra,
      }).toString();
      ctx.redirect(url.toString());
    },

    /** the callback: checks the state against this browser's cookie and returns where to go (undefined: no page was asked for) */
    finishLogin(ctx: Context): string | undefined {
      const raw = ctx.cookies.get(STATE_COOKIE, { signed: true });
      ctx.cookies.set(STATE_COOKIE, null, { httpOnly: true, sameSite: "lax", secure, signed: true, overwrite: true });
      let saved: { state?: string; returnTo?: string } = {};
      try {
        saved = raw ? JSON.parse(raw) : {};
      } catch {
        /* tampered cookies fail the signature check first */
      }
      if (!saved.state || saved.state !== ctx.query.state) {
        throw catalogueError("account.login_state", { startOverUrl: "/login" });
      }
      if (typeof ctx.query.error === "string") {
        throw catalogueError("account.login_failed", { startOverUrl: "/login" });
      }
      return saved.returnTo === undefined ? undefined : safeReturnPath(saved.returnTo);
    },
  };
}

export type AccountSessions = ReturnType<typeof createAccountSessions>;

/** middleware: the signed-in user in ctx.state.account, or a redirect to /login that comes back here */
export function requireAccountMiddleware(sessions: AccountSessions) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const account = await sessions.current(ctx);
    if (!account) {
      ctx.set("Cache-Control", "no-store");
      return ctx.redirect(`/login?return_to=${encodeURIComponent(ctx.method === "GET" ? ctx.path : "/account")}`);
    }
    ctx.state.account = account;
    await next();
  };
}
