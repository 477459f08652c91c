// Registration and email verification pages: /register, /verify-email (confirm a link, or ask for a new one).
// A link in an email only shows a confirm button: a GET never changes anything (mail scanners open links).
// Door A: /register asks for a team too (name, optional address) and makes the new user its Owner. Door B:
// /register?invitation=<token> hides the team, locks the invited address, and the account joins the invited
// team when its address is confirmed.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../web-context.ts";
import { defineForms } from "../forms.ts";
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
});
type TeamInvitation = Extract<InvitationDetails, { kind: "team" }>;
/** the service's field names as the form's */
const FORM_FIELD: Record<string, string> = { teamName: "team_name", teamSlug: "team_slug", platform: "platform_login" };
const INVITATION_TOKEN = /^[\w-]{20,100}$/;
/** the fields a refused form keeps as typed (never the passwords), at most this long */
const TYPED = { username: 64, email: 320, team_name: 200, team_slug: 100, platform_login: 320, platform_url: 2048 } as const;
type Typed = { [field in keyof typeof TYPED]?: string };
const resendBody = z.object({
  email: z.email("form.email").max(320),
  return_proof: z.string().max(128).optional(),
});
const confirmBody = z.object({ token: z.string().min(20).max(100) });

export function registerRegistrationRoutes(router: Router, app: AppContext) {
  const { views, csrf, services, rateLimits } = app;
  const forms = defineForms(router, app);
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

  type Door = Awaited<ReturnType<typeof invitationOf>>;
  const renderRegister = async (ctx: Context, door: Door, locals: Typed & { error?: string; field?: string }, status = 200) => {
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

  /** the form again with what was typed (never the passwords) and the refused field's message in the page's language */
  const refused = (ctx: Context, door: Door, submitted: Record<string, unknown>, error: string, field: string) => {
    const typed = Object.fromEntries(Object.entries(TYPED).map(([name, max]) => [name, String(submitted[name] ?? "").slice(0, max)]));
    return renderRegister(ctx, door, { ...typed, error: sayer(ctx, app.config.defaultLocale)(error), field }, 400);
  };
  const invitedIn = (door: Door) => (door && "invitation" in door ? door : undefined);

  forms.post({
    path: "/register",
    csrf: "register",
    rateLimit: { limit: "accountPerIp" },
    load: invitationOf,
    body: registerBody,
    // Door B: the invited address, whatever the form says
    input: ({ loaded: door, submitted }) => {
      const invited = invitedIn(door);
      return invited ? { ...submitted, email: invited.invitation.email } : submitted;
    },
    invalid: (ctx, { message, field }, { loaded: door, submitted }) => refused(ctx, door, submitted, message, field),
    async handle(ctx, { body, loaded: door, submitted }) {
      const invited = invitedIn(door);
      const { username, email, password, team_name, team_slug, platform_login, platform_password, platform_url } = body;
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
      if (result.outcome === "invalid") return refused(ctx, door, submitted, result.message, FORM_FIELD[result.field] ?? result.field);
      await keepAppReturn(ctx, result.outcome === "check_email" ? result.userId : null);
      return page(ctx, "check-email", { title: "Check your email", email });
    },
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

  /** the page that asks for a new link, with why (and the app's sign-in it came from, if any) */
  const resendRefused = (ctx: Context, error: string, login?: string) =>
    page(
      ctx,
      "verify-email-resend",
      {
        title: "Verify your email",
        csrfToken: csrf.token(ctx, "resend-verification"),
        action: login ? `/verify-email/resend?login=${encodeURIComponent(login)}` : "/verify-email/resend",
        signInUrl: login,
        error: sayer(ctx, app.config.defaultLocale)(error),
      },
      400,
    );

  forms.post({
    path: "/verify-email",
    csrf: "verify-email",
    rateLimit: { limit: "accountPerIp" },
    body: confirmBody,
    invalid: (ctx) => resendRefused(ctx, "verifyResend.linkInvalid"),
    async handle(ctx, { body }) {
      const userId = await services.registration.verify(body.token, requestInfo(ctx));
      if (!userId) return resendRefused(ctx, "verifyResend.linkInvalid");
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
    },
  });

  forms.post({
    path: "/verify-email/resend",
    csrf: "resend-verification",
    rateLimit: { limit: "accountPerIp" },
    body: resendBody,
    invalid: (ctx, { message }) => resendRefused(ctx, message, signInPath(ctx)),
    async handle(ctx, { body: { email, return_proof } }) {
      await rateLimits.accountPerIdentifier.consume(normalizeEmail(email));
      const resent = await services.registration.resendVerification(email, requestInfo(ctx));
      // the app's request resumes only for the address the unverified sign-in proved (registration-return.ts)
      if (appReturn.proves(signInPath(ctx), email, return_proof)) await keepAppReturn(ctx, resent);
      return page(ctx, "check-email", { title: "Check your email", email });
    },
  });
}
