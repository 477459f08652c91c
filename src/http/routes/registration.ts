// Registration and email verification pages: /register, /verify-email (confirm a link, or ask for a new one).
// A link in an email only shows a confirm button: a GET never changes anything (mail scanners open links).
// Door A: /register asks for a team too (name, optional address) and makes the new user its Owner. Door B:
// /register?invitation=<token> hides the team, locks the invited address, and the account joins the invited
// team when its address is confirmed.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../web-context.ts";
import { parseBody } from "../body.ts";
import { passwordHint } from "../../services/password-policy.ts";
import { localeLocals, localeOf, sayer } from "../locale.ts";
import { normalizeEmail } from "../../services/identifiers.ts";
import type { InvitationDetails } from "../../services/invitations.ts";
import { setNotice } from "../notices.ts";
import { createRegistrationReturn } from "./registration-return.ts";

const registerBody = z.object({
  username: z.string().max(64, "form.usernameTooLong"),
  email: z.email("form.email").max(320),
  password: z.string().min(1, "form.choosePassword").max(1024, "form.passwordTooLong"),
  // required for Door A, but checked after the password (the service says so), so messages follow the form's order
  team_name: z.string().max(200, "form.teamNameTooLong").optional(),
  team_slug: z.string().max(100, "form.teamSlugTooLong").optional(),
  // Door A with the Virtuozzo plugin on: the platform account the new team is billed through (checked by the service)
  platform_login: z.string().max(320, "That platform login is too long").optional(),
  platform_password: z.string().max(1024, "That platform password is too long").optional(),
  platform_url: z.string().max(2048).optional(),
  _csrf: z.string().optional(),
});
type TeamInvitation = Extract<InvitationDetails, { kind: "team" }>;
/** the service's field names as the form's */
const FORM_FIELD: Record<string, string> = { teamName: "team_name", teamSlug: "team_slug", platform: "platform_login" };
const INVITATION_TOKEN = /^[\w-]{20,100}$/;
const resendBody = z.object({
  email: z.email("form.email").max(320),
  _csrf: z.string().optional(),
  return_proof: z.string().max(128).optional(),
});
const confirmBody = z.object({ token: z.string().min(20).max(100), _csrf: z.string().optional() });

export function registerRegistrationRoutes(router: Router, app: AppContext) {
  const { views, csrf, services, rateLimits } = app;
  const body = parseBody(app.config.bodyLimit);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};
  const page = async (ctx: Context, name: string, locals: Record<string, unknown>, status = 200) => {
    ctx.status = status;
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await views.render(`pages/${name}`, { ...localeLocals(ctx, name, app.config.defaultLocale), ...locals });
  };
  const requestInfo = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get("user-agent") || null });
  const appReturn = createRegistrationReturn(app);

  // ?login=/interaction/<uid>: the sign-in page the Register tab was opened from, so the Login tab can go back
  // to it; exactly that shape (a same-origin interaction path), anything else falls back to /login
  const signInPath = (ctx: Context) =>
    typeof ctx.query.login === "string" && /^\/interaction\/[\w-]{1,64}$/.test(ctx.query.login) ? ctx.query.login : undefined;
  /** Door B: the team invitation in ?invitation=, or why the link no longer works (undefined: no invitation asked) */
  async function invitationOf(ctx: Context): Promise<{ invitation: TeamInvitation; token: string } | { problem: string } | undefined> {
    const token = ctx.query.invitation;
    if (token === undefined) return undefined;
    const inspected = typeof token === "string" && INVITATION_TOKEN.test(token) ? await services.invitations.inspect(token) : undefined;
    // administrator invitations register through /admin-register, never here
    if (inspected?.outcome !== "valid" || inspected.invitation.kind !== "team") {
      const reason = inspected?.outcome === "invalid" ? inspected.reason : "unknown";
      const say = sayer(ctx, app.config.defaultLocale);
      return {
        problem: say(
          reason === "unknown"
            ? "registration.invitationInvalid"
            : reason === "used"
              ? "registration.invitationUsed"
              : reason === "revoked"
                ? "registration.invitationRevoked"
                : "registration.invitationExpired",
        ),
      };
    }
    return { invitation: inspected.invitation, token: token as string };
  }

  type Typed = {
    username?: string;
    email?: string;
    team_name?: string;
    team_slug?: string;
    platform_login?: string;
    platform_url?: string;
  };
  const renderRegister = async (
    ctx: Context,
    door: Awaited<ReturnType<typeof invitationOf>>,
    locals: Typed & { error?: string; field?: string },
    status = 200,
  ) => {
    const login = signInPath(ctx);
    // "Register as Administrator": only while no administrator exists, and never from an app's sign-in
    const appParams = await appReturn.paramsOf(login);
    const adminRegister = !(await services.accounts.adminExists()) && !appParams;
    ctx.state.uiLocales = appParams?.ui_locales; // the app's language choice comes first here too (http/locale.ts)
    const invited = door && "invitation" in door ? door : undefined;
    const query = new URLSearchParams({ ...(invited ? { invitation: invited.token } : {}), ...(login ? { login } : {}) }).toString();
    return page(
      ctx,
      "register",
      {
        title: "Create an account",
        csrfToken: csrf.token(ctx, "register"),
        minLength: app.config.passwordPolicy.minLength,
        passwordHint: passwordHint(app.config.passwordPolicy.minLength),
        action: query ? `/register?${query}` : "/register",
        loginUrl: login ?? "/login",
        adminRegister,
        ...(door && "problem" in door ? { problem: door.problem } : {}),
        // Door A asks for the team's Virtuozzo platform account while the plugin is on (never with an invitation)
        ...(app.config.virtuozzo.enabled && !invited ? { virtuozzo: { platforms: app.config.virtuozzo.platformUrls } } : {}),
        ...locals,
        ...(invited
          ? {
              invitation: { teamName: invited.invitation.team.name, roleName: invited.invitation.role.name },
              email: invited.invitation.email,
            }
          : {}),
      },
      status,
    );
  };

  router.get("/register", async (ctx) => renderRegister(ctx, await invitationOf(ctx), {}));

  router.post("/register", body, async (ctx) => {
    csrf.verify(ctx, "register", submitted(ctx)._csrf);
    await rateLimits.accountPerIp.consume(ctx.ip);
    const door = await invitationOf(ctx);
    const invited = door && "invitation" in door ? door : undefined;
    const parsed = registerBody.safeParse(invited ? { ...submitted(ctx), email: invited.invitation.email } : submitted(ctx));
    const text = (name: keyof Typed, max: number) => String(submitted(ctx)[name] ?? "").slice(0, max);
    const typed: Typed = {
      username: text("username", 64),
      email: text("email", 320),
      team_name: text("team_name", 200),
      team_slug: text("team_slug", 100),
      platform_login: text("platform_login", 320),
      platform_url: text("platform_url", 2048),
    };
    const say = sayer(ctx, app.config.defaultLocale);
    if (!parsed.success)
      return renderRegister(
        ctx,
        door,
        { ...typed, error: say(parsed.error.issues[0]?.message ?? ""), field: String(parsed.error.issues[0]?.path[0] ?? "") },
        400,
      );
    const { username, email, password, team_name, team_slug, platform_login, platform_password, platform_url } = parsed.data;
    const platform = app.config.virtuozzo.enabled
      ? {
          platform: {
            login: platform_login ?? "",
            password: platform_password ?? "",
            ...(platform_url ? { platformUrl: platform_url } : {}),
          },
        }
      : {};
    const result = await services.registration.register(
      // Door B joins the invited team; Door A (also after a link that no longer works) brings a team of its own
      {
        username,
        email,
        password,
        locale: localeOf(ctx, app.config.defaultLocale),
        ...(invited ? {} : { team: { name: team_name ?? "", slug: team_slug ?? "", ...platform } }),
      },
      requestInfo(ctx),
      {
        beforeEmail: (address) => rateLimits.accountPerIdentifier.consume(address),
        ...(invited
          ? {
              invitation: { token: invited.token, expiresAt: invited.invitation.expiresAt },
              auditData: { invitationId: invited.invitation.id },
            }
          : {}),
      },
    );
    if (result.outcome === "invalid")
      return renderRegister(ctx, door, { ...typed, error: say(result.message), field: FORM_FIELD[result.field] ?? result.field }, 400);
    await keepAppReturn(ctx, result.outcome === "check_email" ? result.userId : null);
    return page(ctx, "check-email", { title: "Check your email", email });
  });

  /** registering (or asking for a new link) from an app's sign-in: that app's request resumes after verification */
  async function keepAppReturn(ctx: Context, userId: string | null): Promise<void> {
    const params = userId ? await appReturn.paramsOf(signInPath(ctx)) : undefined;
    if (userId && params) await services.registration.keepReturn(userId, params);
  }

  /** Door B: a newly verified account joins the team it was invited to; what the confirmation page says about it */
  async function joinInvitedTeam(ctx: Context, userId: string): Promise<{ notice?: string; error?: string }> {
    const token = await services.registration.takeInvitation(userId);
    const user = token ? await services.accounts.findActive(userId) : undefined;
    if (!token || !user) return {};
    const joined = await services.invitations.acceptForUser(token, user, requestInfo(ctx));
    const say = sayer(ctx, app.config.defaultLocale);
    if (joined.outcome === "joined") return { notice: say("registration.joined", { team: joined.team.name, role: joined.role.name }) };
    if (joined.outcome === "already_member") return { notice: say("registration.member", { team: joined.team.name }) };
    if (joined.outcome === "system_role_set")
      return { notice: say("registration.admin", { product: app.config.brand.name, role: joined.systemRole.name }) };
    return { error: say("registration.invitationFailed") };
  }

  router.get("/verify-email", async (ctx) => {
    const token = typeof ctx.query.token === "string" ? ctx.query.token : undefined;
    if (token)
      return page(ctx, "verify-email-confirm", {
        title: "Confirm your email",
        token,
        csrfToken: csrf.token(ctx, "verify-email"),
        action: "/verify-email",
      });
    return page(ctx, "verify-email-resend", {
      title: "Verify your email",
      csrfToken: csrf.token(ctx, "resend-verification"),
      action: "/verify-email/resend",
    });
  });

  router.post("/verify-email", body, async (ctx) => {
    csrf.verify(ctx, "verify-email", submitted(ctx)._csrf);
    await rateLimits.accountPerIp.consume(ctx.ip);
    const parsed = confirmBody.safeParse(submitted(ctx));
    const userId = parsed.success ? await services.registration.verify(parsed.data.token, requestInfo(ctx)) : null;
    if (!userId) {
      return page(
        ctx,
        "verify-email-resend",
        {
          title: "Verify your email",
          csrfToken: csrf.token(ctx, "resend-verification"),
          action: "/verify-email/resend",
          error: sayer(ctx, app.config.defaultLocale)("verifyResend.linkInvalid"),
        },
        400,
      );
    }
    const joined = await joinInvitedTeam(ctx, userId);
    const resume = await appReturn.resume(await services.registration.takeReturn(userId));
    // registered from an app's sign-in: straight back to it (the sign-in page says the address is confirmed)
    if (resume && !joined.notice && !joined.error) {
      setNotice(ctx, "email_verified", app.config.isProduction);
      ctx.status = 303;
      return ctx.redirect(resume.url);
    }
    return page(ctx, "email-verified", {
      title: "Email confirmed",
      ...joined,
      ...(resume ? { continueUrl: resume.url, appName: resume.appName } : {}),
    });
  });

  router.post("/verify-email/resend", body, async (ctx) => {
    csrf.verify(ctx, "resend-verification", submitted(ctx)._csrf);
    await rateLimits.accountPerIp.consume(ctx.ip);
    const parsed = resendBody.safeParse(submitted(ctx));
    if (!parsed.success) {
      const login = signInPath(ctx);
      const action = login ? `/verify-email/resend?login=${encodeURIComponent(login)}` : "/verify-email/resend";
      return page(
        ctx,
        "verify-email-resend",
        {
          title: "Verify your email",
          csrfToken: csrf.token(ctx, "resend-verification"),
          action,
          signInUrl: login,
          error: sayer(ctx, app.config.defaultLocale)(parsed.error.issues[0]?.message ?? ""),
        },
        400,
      );
    }
    await rateLimits.accountPerIdentifier.consume(normalizeEmail(parsed.data.email));
    const resent = await services.registration.resendVerification(parsed.data.email, requestInfo(ctx));
    // the app's request resumes only for the address the unverified sign-in proved (registration-return.ts)
    if (appReturn.proves(signInPath(ctx), parsed.data.email, parsed.data.return_proof)) await keepAppReturn(ctx, resent);
    return page(ctx, "check-email", { title: "Check your email", email: parsed.data.email });
  });
}
