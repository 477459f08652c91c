// /account/two-factor: turn TOTP on (needs the password; QR code and secret, confirmed by a code; the backup
// codes are shown once), regenerate backup codes and turn it off (each needs the password and a code). Wrong passwords
// and wrong codes on a live factor count toward lockout; every change is audited and emailed to the owner.
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import type { User } from "../../../queries/users.ts";
import { groupForReading, type Enrollment } from "../../../services/totp.ts";
import { parseBody } from "../../body.ts";
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
const NO_PASSWORD = "Your account has no password to confirm this with (you sign in through another provider). Set a password first with \"Forgot your password?\" on the sign-in page, then come back here.";

export function registerTwoFactorRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const { totp } = services;
  const body = parseBody(app.config.bodyLimit);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};

  /** the page in the given state, or in the user's current one (on, enrolling, off) */
  async function show(ctx: Context, locals: Locals = {}, status = 200): Promise<void> {
    const { user } = h.account(ctx);
    const enrollment = locals.enrollment !== undefined || totp.enabled(user) ? locals.enrollment : await totp.pendingEnrollment(user);
    const view: View = locals.view ?? (totp.enabled(user) ? "on" : enrollment ? "enroll" : "off");
    await h.render(ctx, "two-factor", {
      title: "Two-factor authentication",
      csrfToken: csrf.token(ctx, BINDING),
      hasPassword: Boolean(user.passwordHash),
      ...locals,
      view,
      enrollment: view === "enroll" && enrollment ? { qrSvg: enrollment.qrSvg, secret: groupForReading(enrollment.secret) } : undefined,
      backupCodesLeft: view === "on" ? await totp.remainingBackupCodes(user.id) : undefined,
    }, status);
  }

  /** CSRF, the per-user code limit, then the body through its schema (or the page again with the message) */
  async function accept<T extends z.ZodType>(ctx: Context, form: "setup" | "confirm" | "regenerate" | "disable", schema: T): Promise<{ user: User; data: z.infer<T> } | null> {
    csrf.verify(ctx, BINDING, submitted(ctx)._csrf);
    const { user } = h.account(ctx);
    await app.rateLimits.codePerUser.consume(user.id);
    const parsed = schema.safeParse(submitted(ctx));
    if (parsed.success) return { user, data: parsed.data };
    const issue = parsed.error.issues[0];
    await show(ctx, { error: issue?.message, field: `${form}-${String(issue?.path[0] ?? "")}` }, 400);
    return null;
  }

  const audit = (ctx: Context, user: User, type: string, outcome: "success" | "failure", data: Record<string, string | number> = {}) =>
    services.audit.record({ type, outcome, userId: user.id, ...h.requestInfo(ctx), data });

  /**
   * the current password and, when given, a code (TOTP or backup; wrong ones count toward lockout); on failure
   * the page again with the message and the failure audited as `auditType`, and null
   */
  async function reauthenticate(ctx: Context, user: User, form: "setup" | "regenerate" | "disable", auditType: string, given: { password: string; code?: string }): Promise<{ method?: "totp" | "backup" } | null> {
    // a browser the user trusts is judged by its own lockout count
    const info = h.credentialRequest(ctx);
    // nothing to check a password against: refused clearly, and no failure counts toward the lockout
    if (!user.passwordHash) {
      await audit(ctx, user, auditType, "failure", { reason: "no_password" });
      await show(ctx, { error: NO_PASSWORD, field: `${form}-password` }, 409);
      return null;
    }
    const check = await services.accounts.confirmPassword(user, given.password, info);
    if (check.outcome !== "ok") {
      await audit(ctx, user, auditType, "failure", { reason: check.outcome });
      await show(ctx, { error: check.outcome === "locked" ? LOCKED : WRONG_PASSWORD, field: `${form}-password` }, check.outcome === "locked" ? 423 : 400);
      return null;
    }
    if (given.code === undefined) return {};
    const verified = await totp.verifyCode(user, given.code);
    if (verified.outcome !== "ok") {
      await services.accounts.recordFailure(user, info, "code");
      await audit(ctx, user, auditType, "failure", { reason: "wrong_code" });
      await show(ctx, { error: WRONG_CODE, field: `${form}-code` }, 400);
      return null;
    }
    return { method: verified.method };
  }

  router.get("/account/two-factor", h.requireAccount, (ctx) => show(ctx));

  // a second factor is a credential: whoever sets it up must know the password, or a borrowed session could
  // lock the owner out with the thief's authenticator
  router.post("/account/two-factor/setup", h.requireAccount, body, async (ctx) => {
    const input = await accept(ctx, "setup", setupBody);
    if (!input) return;
    const { user, data } = input;
    if (totp.enabled(user)) return show(ctx, { error: "Two-factor authentication is already on." }, 400);
    if (!(await reauthenticate(ctx, user, "setup", "two_factor.enabled", data))) return;
    return show(ctx, { view: "enroll", enrollment: await totp.beginEnrollment(user) });
  });

  router.post("/account/two-factor/confirm", h.requireAccount, body, async (ctx) => {
    const input = await accept(ctx, "confirm", confirmBody);
    if (!input) return;
    const { user, data } = input;
    if (totp.enabled(user)) return show(ctx, { error: "Two-factor authentication is already on." }, 400);
    const result = await totp.confirmEnrollment(user, data.code);
    if (result.outcome !== "enabled") {
      await audit(ctx, user, "two_factor.enabled", "failure", { reason: result.outcome === "expired" ? "enrollment_expired" : "wrong_code" });
      if (result.outcome === "expired") return show(ctx, { view: "off", error: "The setup timed out. Please start again." }, 400);
      return show(ctx, { error: "That code is not right. Check that your device's time is correct and try the newest code.", field: "confirm-code" }, 400);
    }
    await audit(ctx, user, "two_factor.enabled", "success");
    await services.notifications.twoFactorChanged(user, h.requestInfo(ctx), "enabled");
    return show(ctx, { view: "codes", backupCodes: result.backupCodes, notice: "Two-factor authentication is on." });
  });

  router.post("/account/two-factor/backup-codes", h.requireAccount, body, async (ctx) => {
    const input = await accept(ctx, "regenerate", regenerateBody);
    if (!input) return;
    const { user, data } = input;
    if (!totp.enabled(user)) return show(ctx, { error: "Two-factor authentication is off, so there are no backup codes." }, 400);
    if (!(await reauthenticate(ctx, user, "regenerate", "two_factor.backup_codes_regenerated", data))) return;
    const backupCodes = await totp.regenerateBackupCodes(user.id);
    await audit(ctx, user, "two_factor.backup_codes_regenerated", "success");
    await services.notifications.twoFactorChanged(user, h.requestInfo(ctx), "backup_codes_regenerated");
    return show(ctx, { view: "codes", backupCodes, notice: "New backup codes were created. The old ones no longer work." });
  });

  router.post("/account/two-factor/disable", h.requireAccount, body, async (ctx) => {
    const input = await accept(ctx, "disable", disableBody);
    if (!input) return;
    const { user, data } = input;
    if (!totp.enabled(user)) return show(ctx, { error: "Two-factor authentication is already off." }, 400);
    const verified = await reauthenticate(ctx, user, "disable", "two_factor.disabled", data);
    if (!verified) return;
    await totp.disable(user.id);
    await audit(ctx, user, "two_factor.disabled", "success", { method: verified.method ?? "totp" });
    await services.notifications.twoFactorChanged(user, h.requestInfo(ctx), "disabled");
    return show(ctx, { view: "off", notice: "Two-factor authentication is off." });
  });
}
