// The account area: /login (signs in through the provider like any app), /account/callback, and the account
// pages (profile, security), each behind requireAccount. Every POST checks CSRF and re-renders with a message
// on bad input.
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import { createAccountSessions, requireAccountMiddleware, safeReturnPath, type AccountSession } from "../../account-session.ts";
import { createDeviceCookie } from "../../device-cookie.ts";
import { registerProfileRoutes } from "./profile.ts";
import { registerSecurityRoutes } from "./security.ts";
import { registerTwoFactorRoutes } from "./two-factor.ts";
import { registerTeamsRoutes } from "./teams.ts";
import { registerSessionsRoutes } from "./sessions.ts";
import { registerDevicesRoutes } from "./devices.ts";
import type { AccountRouteHelpers } from "./helpers.ts";


export function registerAccountRoutes(router: Router, app: AppContext) {
  const sessions = createAccountSessions(app);
  const deviceCookie = createDeviceCookie(app.config);

  const helpers: AccountRouteHelpers = {
    requireAccount: requireAccountMiddleware(sessions),
    account: (ctx) => ctx.state.account as AccountSession,
    async render(ctx, page, locals, status = 200) {
      const account = ctx.state.account as AccountSession | undefined;
      ctx.status = status;
      ctx.set("Cache-Control", "no-store");
      ctx.type = "html";
      ctx.body = await app.views.render(`pages/account/${page}`, { user: account?.user, section: page, ...locals });
    },
    requestInfo: (ctx) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null }),
    credentialRequest: (ctx) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null, deviceToken: deviceCookie.read(ctx) }),
  };

  router.get("/login", async (ctx) => {
    const returnTo = safeReturnPath(ctx.query.return_to);
    if (await sessions.current(ctx)) return ctx.redirect(returnTo); // already signed in: straight there
    sessions.startLogin(ctx, returnTo);
  });
  router.get("/account/callback", (ctx) => ctx.redirect(sessions.finishLogin(ctx)));
  router.get("/account", helpers.requireAccount, (ctx) => ctx.redirect("/account/profile"));

  registerProfileRoutes(router, app, helpers);
  registerSecurityRoutes(router, app, helpers);
  registerTwoFactorRoutes(router, app, helpers);
  registerTeamsRoutes(router, app, helpers);
  registerSessionsRoutes(router, app, helpers);
  registerDevicesRoutes(router, app, helpers);
}
