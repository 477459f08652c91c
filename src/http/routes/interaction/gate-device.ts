// The device gate of a login (DEVICE_APPROVAL = off | without-2fa | always): a browser already trusted by the
// user passes; under without-2fa a passed TOTP code (not a backup code) trusts the browser; otherwise a 6-digit
// code is emailed and the login waits at /interaction/:uid/device (code form, "send a new code" after a
// cool-down, start over). A sign-in approved from the suspicious-login email still needs the code here: the
// link proves that the mailbox owner clicked, not that the person at this browser reads the mailbox. While the
// user's wrong codes of the last 24 hours are used up, no code is sent or accepted (the page answers 429).
// Once the sign-in is settled, a browser approved by code or TOTP gets its device cookie (a fresh value).
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import type { AppContext } from "../../../context.ts";
import type { GateState } from "../../../flows/login-flow.ts";
import { maskEmail } from "../../../services/notifications.ts";
import { createDeviceCookie } from "../../device-cookie.ts";
import { AppError } from "../../errors.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { followMovedLogin, type GateRunner, type LoginGate } from "./gates.ts";

type PageLocals = { error?: string; notice?: string; locked?: boolean; accountLocked?: boolean; status?: number; retryAfter?: number };

const ACCOUNT_LOCKED = "Too many wrong codes for this account; try again later or sign in from a device you have used before.";

/** "123 456", "123-456" and " 123456 " are all the code 123456 */
const normalizeCode = (value: unknown) => (typeof value === "string" ? value.replace(/[\s-]/g, "") : "");

export function createDeviceGate(app: AppContext, h: InteractionHelpers) {
  const { services, rateLimits } = app;
  const devices = services.devices;
  const settings = app.config.deviceApproval;
  const cookie = createDeviceCookie(app.config);
  // the login may wait at the code page longer than one code lives (a resend gives a fresh code)
  const waitTtl = app.config.session.interactionTtl;
  const pagePath = (uid: string) => `/interaction/${uid}/device`;
  const request = (ctx: Context, interaction: Interaction) => h.requestInfo(ctx, String(interaction.params.client_id));
  const gone = (uid: string) =>
    new AppError("login.gate_expired", 400, "This sign-in step has expired. Start again and enter your password.", { startOverUrl: `/interaction/${uid}` });

  async function userOf(uid: string, userId: string) {
    const user = await services.accounts.findActive(userId);
    if (!user) throw gone(uid);
    return user;
  }

  /** the rate limits of a code email: per IP (with the attempts) and per user, spent only when a mail goes out */
  const spendOnEmail = (ctx: Context, userId: string) => async () => {
    await rateLimits.deviceCodePerIp.consume(ctx.ip);
    await rateLimits.deviceCodePerUser.consume(userId);
  };

  const gate: LoginGate = {
    name: "device",
    async check(ctx, interaction, who) {
      if (settings.policy === "off") return { pass: true, audit: { device: "off" } };
      const info = request(ctx, interaction);
      if (await devices.trustedFor(who.userId, cookie.read(ctx), info)) return { pass: true, audit: { device: "trusted" } };
      // only an authenticator app code proves a second factor held at hand; a backup code gets the email code
      if (settings.policy === "without-2fa" && who.audit.method === "totp") return { pass: true, audit: { device: "totp" } };
      const user = await userOf(interaction.uid, who.userId);
      // while the user's wrong codes are used up no code is sent: the page then says so (429)
      await devices.sendCode(interaction.uid, user, info, waitTtl, spendOnEmail(ctx, user.id));
      return { pass: false, redirect: pagePath(interaction.uid), ttl: waitTtl };
    },
    /** the sign-in is settled: a browser approved by code or TOTP is now trusted (its cookie set or refreshed) */
    async signedIn(ctx, interaction, who) {
      const how = who.audit.device;
      if (how !== "code" && how !== "totp") return;
      const extra: Record<string, number> = typeof who.audit.deviceApprovalMs === "string" ? { latencyMs: Number(who.audit.deviceApprovalMs) } : {};
      const { token } = await devices.trust(who.userId, cookie.read(ctx), how, request(ctx, interaction), extra);
      cookie.write(ctx, token);
    },
  };

  function register(router: Router, gates: GateRunner, body: Middleware): void {
    async function render(ctx: Context, interaction: Interaction, state: GateState, locals: PageLocals = {}) {
      const { uid } = interaction;
      const user = await userOf(uid, state.who.userId);
      const account = await devices.accountStatus(user.id);
      if (account.locked && !locals.locked) locals = { locked: true, accountLocked: true, status: 429, error: ACCOUNT_LOCKED, retryAfter: account.retryIn };
      if (locals.retryAfter) ctx.set("Retry-After", String(locals.retryAfter));
      const status = locals.locked ? null : await devices.codeStatus(uid);
      await h.renderPage(ctx, "login-device", {
        title: "Check your email",
        clientName: await h.appName(interaction),
        maskedEmail: maskEmail(user.email),
        ttlMinutes: Math.max(1, Math.round(settings.codeTtl / 60)),
        csrfToken: h.csrfToken(ctx, uid),
        action: pagePath(uid),
        resendAction: `${pagePath(uid)}/resend`,
        resendIn: status?.resendIn ?? 0,
        startOverUrl: `/interaction/${uid}`,
        locked: locals.locked === true,
        accountLocked: locals.accountLocked === true,
        error: locals.error ?? (status?.expired ? "This code has expired. Send a new code." : undefined),
        notice: locals.notice,
      }, locals.status);
    }

    /** the last attempt is used: the sign-in ends here and must start again */
    async function lockedOut(ctx: Context, interaction: Interaction, state: GateState) {
      await gates.stop(interaction);
      await devices.dropCode(interaction.uid);
      return render(ctx, interaction, state, { locked: true, status: 429, error: "Too many wrong codes. For your security this sign-in was stopped: start over and enter your password again." });
    }

    router.get("/interaction/:uid/device", followMovedLogin, async (ctx) => {
      const interaction = await h.load(ctx);
      const state = await gates.pending(interaction, "device");
      return render(ctx, interaction, state, ctx.query.resent === "1" ? { notice: "We sent you a new code. The old one no longer works." } : {});
    });

    router.post("/interaction/:uid/device", body, async (ctx) => {
      const interaction = await h.load(ctx);
      h.verifyCsrf(ctx, interaction.uid);
      const state = await gates.pending(interaction, "device");
      await rateLimits.deviceCodePerIp.consume(ctx.ip);
      const code = normalizeCode((ctx.request.body as Record<string, unknown> | undefined)?.code);
      if (!/^\d{6}$/.test(code)) return render(ctx, interaction, state, { error: "Enter the 6-digit code from the email.", status: 400 });
      const result = await devices.checkCode(interaction.uid, state.who.userId, code, request(ctx, interaction));
      switch (result.outcome) {
        case "ok":
          return gates.pass(ctx, interaction, state, { device: "code", deviceApprovalMs: String(result.waitedMs) });
        case "wrong":
          return render(ctx, interaction, state, { error: `That code is not right. ${result.attemptsLeft} ${result.attemptsLeft === 1 ? "attempt" : "attempts"} left.`, status: 401 });
        case "locked":
          return lockedOut(ctx, interaction, state);
        case "account_locked":
          return render(ctx, interaction, state, { locked: true, accountLocked: true, status: 429, error: ACCOUNT_LOCKED, retryAfter: result.retryIn });
        case "expired":
          return render(ctx, interaction, state, { error: "This code has expired. Send a new code.", status: 400 });
        case "missing":
          // no code was sent to this sign-in because the account's wrong codes are used up: say so
          if ((await devices.accountStatus(state.who.userId)).locked) return render(ctx, interaction, state);
          throw gone(interaction.uid);
      }
    });

    router.post("/interaction/:uid/device/resend", body, async (ctx) => {
      const interaction = await h.load(ctx);
      h.verifyCsrf(ctx, interaction.uid);
      const state = await gates.pending(interaction, "device");
      const user = await userOf(interaction.uid, state.who.userId);
      let result: Awaited<ReturnType<typeof devices.resendCode>>;
      try {
        result = await devices.resendCode(interaction.uid, user, request(ctx, interaction), spendOnEmail(ctx, user.id));
      } catch (err) {
        // a rate limit refused the email: the code page says so (the old code and its cool-down stay as they were)
        if (!(err instanceof AppError) || err.status !== 429) throw err;
        return render(ctx, interaction, state, { error: err.publicMessage, status: 429, retryAfter: Number(err.data?.retryAfter) || undefined });
      }
      if (result.outcome === "sent") {
        ctx.status = 303;
        return ctx.redirect(`${pagePath(interaction.uid)}?resent=1`);
      }
      if (result.outcome === "cooldown") {
        ctx.set("Retry-After", String(result.retryIn));
        return render(ctx, interaction, state, { error: `Please wait ${result.retryIn} second${result.retryIn === 1 ? "" : "s"} before asking for a new code.`, status: 429 });
      }
      if (result.outcome === "locked") return lockedOut(ctx, interaction, state);
      if (result.outcome === "account_locked") return render(ctx, interaction, state, { locked: true, accountLocked: true, status: 429, error: ACCOUNT_LOCKED, retryAfter: result.retryIn });
      throw gone(interaction.uid);
    });
  }

  return { gate, register };
}
