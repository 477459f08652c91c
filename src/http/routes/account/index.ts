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
import { registerPasskeyRoutes } from "./passkeys.ts";
import { registerDataRoutes } from "./data.ts";
import { registerProviderRoutes } from "./providers.ts";
import type { AccountRouteHelpers } from "./helpers.ts";
import { isAdministrator } from "../admin/shared.ts";
import { localeOf, sayer, timeZoneOf } from "../../locale.ts";

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
      const adminLink = account ? await isAdministrator(app, account.user) : false;
      // every account page is translated: its language (http/locale.ts), its dates in the account's time zone, and a
      // route's fixed English message in that language when the catalogue has it
      const say = sayer(ctx, app.config.defaultLocale);
      const messages = {
        ...(typeof locals.error === "string" ? { error: say(locals.error) } : {}),
        ...(typeof locals.notice === "string" ? { notice: say(locals.notice) } : {}),
      };
      ctx.body = await app.views.render(`pages/account/${page}`, {
        user: account?.user,
        section: page,
        adminLink,
        locale: localeOf(ctx, app.config.defaultLocale),
        timeZone: timeZoneOf(ctx),
        ...locals,
        ...messages,
      });
    },
    say: (ctx) => sayer(ctx, app.config.defaultLocale),
    requestInfo: (ctx) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null }),
    credentialRequest: (ctx) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null, deviceToken: deviceCookie.read(ctx) }),
  };

  // no return_to asked: administrators land on /admin, everyone else on their account
  const landing = async (user: AccountSession["user"]) => ((await isAdministrator(app, user)) ? "/admin" : "/account");
  router.get("/login", async (ctx) => {
    const asked = ctx.query.return_to === undefined ? undefined : safeReturnPath(ctx.query.return_to);
    const current = await sessions.current(ctx);
    if (current) return ctx.redirect(asked ?? (await landing(current.user))); // already signed in: straight there
    sessions.startLogin(ctx, asked);
  });
  router.get("/account/callback", async (ctx) => {
    const asked = sessions.finishLogin(ctx);
    const current = asked === undefined ? await sessions.current(ctx) : null;
    ctx.redirect(asked ?? (current ? await landing(current.user) : "/account"));
  });
  router.get("/account", helpers.requireAccount, (ctx) => ctx.redirect("/account/profile"));

  registerProfileRoutes(router, app, helpers);
  registerSecurityRoutes(router, app, helpers);
  registerTwoFactorRoutes(router, app, helpers);
  registerTeamsRoutes(router, app, helpers);
  registerSessionsRoutes(router, app, helpers);
  registerDevicesRoutes(router, app, helpers);
  registerPasskeyRoutes(router, app, helpers);
  registerDataRoutes(router, app, helpers);
  registerProviderRoutes(router, app, helpers);
}
