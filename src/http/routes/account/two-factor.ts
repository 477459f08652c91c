// /account/two-factor: turn TOTP on (needs the password; QR code and secret, confirmed by a code; the backup
// codes are shown once), regenerate backup codes and turn it off (each needs the password and a code). Wrong passwords
// and wrong codes on a live factor count toward lockout; every change is audited and emailed to the owner (by the
// service: services/two-factor-settings.ts), the page only shows the outcome.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { groupForReading, type Enrollment } from "../../../services/totp.ts";
import type { TwoFactorRefusal } from "../../../services/two-factor-settings.ts";
import { defineForms, type FormProblem } from "../../forms.ts";
import type { AccountRouteHelpers } from "./helpers.ts";

type View = "off" | "enroll" | "codes" | "on";
type Locals = { view?: View; enrollment?: Enrollment | null; backupCodes?: string[]; error?: string; field?: string; notice?: string };

const BINDING = "account-two-factor";
const password = z.string().min(1, "Enter your current password").max(1024, "Passwords can be at most 1024 characters long");
const code = (missing: string) => z.string().trim().min(1, missing).max(64, "That code is too long");
const confirmBody = z.object({ code: code("Enter the 6-digit code from your authenticator app") });
const setupBody = z.object({ password });
const regenerateBody = z.object({ password, code: code("Enter a code from your authenticator app or a backup code") });
const disableBody = z.object({ password, code: code("Enter a code from your authenticator app or a backup code") });

const LOCKED = "Your account is locked after too many failed attempts. Try again later.";
const WRONG_PASSWORD = "That is not your current password.";
const WRONG_CODE = "That code is not valid. Enter the newest code from your app, or an unused backup code.";
/** an account made through a sign-in provider (#17) has no password to confirm with: it sets one first */
const NO_PASSWORD =
  'Your account has no password to confirm this with (you sign in through another provider). Set a password first with "Forgot your password?" on the sign-in page, then come back here.';

export function registerTwoFactorRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const { totp, twoFactorSettings } = services;
  const forms = defineForms(router, app, { guard: h.requireAccount, csrf: BINDING });

  /** the page in the given state, or in the user's current one (on, enrolling, off) */
  async function show(ctx: Context, locals: Locals = {}, status = 200): Promise<void> {
    const { user } = h.account(ctx);
    const enrollment = locals.enrollment !== undefined || totp.enabled(user) ? locals.enrollment : await totp.pendingEnrollment(user);
    const view: View = locals.view ?? (totp.enabled(user) ? "on" : enrollment ? "enroll" : "off");
    await h.render(
      ctx,
      "two-factor",
      {
        title: "Two-factor authentication",
        csrfToken: csrf.token(ctx, BINDING),
        hasPassword: Boolean(user.passwordHash),
        ...locals,
        view,
        enrollment: view === "enroll" && enrollment ? { qrSvg: enrollment.qrSvg, secret: groupForReading(enrollment.secret) } : undefined,
        backupCodesLeft: view === "on" ? await totp.remainingBackupCodes(user.id) : undefined,
      },
      status,
    );
  }

  /** every form of the page: the per-user code limit, a refused field as the page again with the message */
  const form = (name: "setup" | "confirm" | "regenerate" | "disable") => ({
    path: `/account/two-factor/${name === "regenerate" ? "backup-codes" : name}`,
    rateLimit: { limit: "codePerUser" as const, key: (ctx: Context) => h.account(ctx).user.id },
    invalid: (ctx: Context, p: FormProblem) => show(ctx, { error: p.message, field: `${name}-${p.field}` }, 400),
  });

  /** a refused re-authentication (audited by the service) as the page again with the message */
  function refused(ctx: Context, form: "setup" | "regenerate" | "disable", refusal: TwoFactorRefusal): Promise<void> {
    switch (refusal.outcome) {
      case "no_password":
        return show(ctx, { error: NO_PASSWORD, field: `${form}-password` }, 409);
      case "locked":
        return show(ctx, { error: LOCKED, field: `${form}-password` }, 423);
      case "wrong_password":
        return show(ctx, { error: WRONG_PASSWORD, field: `${form}-password` }, 400);
      case "wrong_code":
        return show(ctx, { error: WRONG_CODE, field: `${form}-code` }, 400);
    }
  }

  router.get("/account/two-factor", h.requireAccount, (ctx) => show(ctx));

  // a second factor is a credential: whoever sets it up must know the password, or a borrowed session could
  // lock the owner out with the thief's authenticator
  forms.post({
    ...form("setup"),
    body: setupBody,
    async handle(ctx, { body }) {
      const { user } = h.account(ctx);
      if (totp.enabled(user)) return show(ctx, { error: "Two-factor authentication is already on." }, 400);
      const result = await twoFactorSettings.beginSetup(user, body, h.credentialRequest(ctx));
      if (result.outcome !== "enroll") return refused(ctx, "setup", result);
      return show(ctx, { view: "enroll", enrollment: result.enrollment });
    },
  });

  forms.post({
    ...form("confirm"),
    body: confirmBody,
    async handle(ctx, { body }) {
      const { user } = h.account(ctx);
      if (totp.enabled(user)) return show(ctx, { error: "Two-factor authentication is already on." }, 400);
      const result = await twoFactorSettings.confirmSetup(user, body.code, h.requestInfo(ctx));
      if (result.outcome === "expired") return show(ctx, { view: "off", error: "The setup timed out. Please start again." }, 400);
      if (result.outcome !== "enabled") {
        const error = "That code is not right. Check that your device's time is correct and try the newest code.";
        return show(ctx, { error, field: "confirm-code" }, 400);
      }
      return show(ctx, { view: "codes", backupCodes: result.backupCodes, notice: "Two-factor authentication is on." });
    },
  });

  forms.post({
    ...form("regenerate"),
    body: regenerateBody,
    async handle(ctx, { body }) {
      const { user } = h.account(ctx);
      if (!totp.enabled(user)) return show(ctx, { error: "Two-factor authentication is off, so there are no backup codes." }, 400);
      const result = await twoFactorSettings.regenerateBackupCodes(user, body, h.credentialRequest(ctx));
      if (result.outcome !== "regenerated") return refused(ctx, "regenerate", result);
      const notice = "New backup codes were created. The old ones no longer work.";
      return show(ctx, { view: "codes", backupCodes: result.backupCodes, notice });
    },
  });

  forms.post({
    ...form("disable"),
    body: disableBody,
    async handle(ctx, { body }) {
      const { user } = h.account(ctx);
      if (!totp.enabled(user)) return show(ctx, { error: "Two-factor authentication is already off." }, 400);
      const result = await twoFactorSettings.disable(user, body, h.credentialRequest(ctx));
      if (result.outcome !== "disabled") return refused(ctx, "disable", result);
      return show(ctx, { view: "off", notice: "Two-factor authentication is off." });
    },
  });
}
