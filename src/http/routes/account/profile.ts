// /account/profile: the account's details, editing the display name, and changing the email address (needs
// the password; the new address must confirm by its emailed link, /account/confirm-email, before it counts).
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { parseBody } from "../../body.ts";
import { normalizeEmail } from "../../../services/identifiers.ts";
import { nameText } from "../../../services/names.ts";
import { setNotice, takeNotice } from "../../notices.ts";
import type { AccountRouteHelpers } from "./helpers.ts";
import { isLocale, timeZoneOrNull } from "../../../lib/i18n/index.ts";
import { localeLocals } from "../../locale.ts";

/** the time zones the profile offers: every IANA name this runtime knows (UTC first) */
const TIME_ZONES = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
const preferencesBody = z.object({
  locale: z.string().refine((v) => v === "" || isLocale(v), "profile.badLanguage"),
  time_zone: z
    .string()
    .max(64)
    .refine((v) => timeZoneOrNull(v) !== null, "profile.badTimeZone"),
  _csrf: z.string().optional(),
});

const nameBody = z.object({ name: nameText("Your name").trim().max(100, "profile.nameTooLong"), _csrf: z.string().optional() });
const emailBody = z.object({
  email: z.email("form.email").max(320, "profile.emailTooLong"),
  password: z.string().min(1, "profile.enterPassword").max(1024),
  _csrf: z.string().optional(),
});
const confirmBody = z.object({ token: z.string().min(20).max(100), _csrf: z.string().optional() });

export function registerProfileRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const body = parseBody(app.config.bodyLimit);
  const submitted = (ctx: Context) => (ctx.request.body as Record<string, unknown> | undefined) ?? {};

  const renderProfile = (ctx: Context, locals: { error?: string; field?: string; notice?: string; newEmail?: string } = {}, status = 200) =>
    h.render(
      ctx,
      "profile",
      {
        title: "Your profile",
        nameCsrf: csrf.token(ctx, "account-name"),
        emailCsrf: csrf.token(ctx, "account-email"),
        preferencesCsrf: csrf.token(ctx, "account-preferences"),
        timeZones: TIME_ZONES,
        ...locals,
        notice: locals.notice ?? (locals.error ? undefined : takeNotice(ctx, app.config.isProduction)),
      },
      status,
    );

  router.get("/account/profile", h.requireAccount, (ctx) => renderProfile(ctx));

  router.post("/account/profile/name", h.requireAccount, body, async (ctx) => {
    csrf.verify(ctx, "account-name", submitted(ctx)._csrf);
    const { user } = h.account(ctx);
    const parsed = nameBody.safeParse(submitted(ctx));
    if (!parsed.success) return renderProfile(ctx, { error: parsed.error.issues[0]?.message, field: "name" }, 400);
    const name = parsed.data.name.normalize("NFC") || null;
    ctx.state.account.user = await services.accounts.updateName(user.id, name, h.requestInfo(ctx));
    return renderProfile(ctx, { notice: "profile.nameSaved" });
  });

  // the account's language and time zone: its pages and emails follow them (http/locale.ts, services/mail)
  router.post("/account/profile/preferences", h.requireAccount, body, async (ctx) => {
    csrf.verify(ctx, "account-preferences", submitted(ctx)._csrf);
    const { user } = h.account(ctx);
    const parsed = preferencesBody.safeParse(submitted(ctx));
    if (!parsed.success)
      return renderProfile(
        ctx,
        { error: parsed.error.issues[0]?.message, field: String(parsed.error.issues[0]?.path[0] ?? "locale") },
        400,
      );
    const zone = timeZoneOrNull(parsed.data.time_zone);
    const preferences = { locale: parsed.data.locale || null, timeZone: zone === "UTC" ? null : zone };
    ctx.state.account.user = await services.accounts.updatePreferences(user.id, preferences, h.requestInfo(ctx));
    return renderProfile(ctx, { notice: "profile.preferencesSaved" });
  });

  router.post("/account/profile/email", h.requireAccount, body, async (ctx) => {
    csrf.verify(ctx, "account-email", submitted(ctx)._csrf);
    const { user } = h.account(ctx);
    await app.rateLimits.accountPerIp.consume(ctx.ip);
    const parsed = emailBody.safeParse(submitted(ctx));
    const typed = String(submitted(ctx).email ?? "").slice(0, 320);
    if (!parsed.success)
      return renderProfile(
        ctx,
        { error: parsed.error.issues[0]?.message, field: String(parsed.error.issues[0]?.path[0] ?? "email"), newEmail: typed },
        400,
      );
    // only a request that can send an email (the right password) spends the address's email budget
    const result = await services.emailChange.request(user, parsed.data, h.credentialRequest(ctx), {
      beforeSend: () => app.rateLimits.accountPerIdentifier.consume(normalizeEmail(parsed.data.email)),
    });
    if (result.outcome === "wrong_password" || result.outcome === "locked") {
      const locked = result.outcome === "locked";
      return renderProfile(
        ctx,
        {
          error: locked ? "Your account is locked after too many wrong passwords. Try again later." : "That is not your current password.",
          field: "password",
          newEmail: typed,
        },
        locked ? 423 : 400,
      );
    }
    if (result.outcome === "same_address")
      return renderProfile(ctx, { error: "That is already your email address.", field: "email", newEmail: typed }, 400);
    return renderProfile(ctx, { notice: h.say(ctx)("profile.linkSent", { email: parsed.data.email, current: user.email }) });
  });

  // the link from the email: a GET only shows a button (mail scanners open links); the POST changes the address
  router.get("/account/confirm-email", async (ctx) => {
    const token = typeof ctx.query.token === "string" ? ctx.query.token : "";
    ctx.set("Cache-Control", "no-store");
    ctx.type = "html";
    ctx.body = await app.views.render("pages/account/confirm-email", {
      ...localeLocals(ctx, "account/confirm-email", app.config.defaultLocale),
      title: "Confirm your new email address",
      token,
      csrfToken: csrf.token(ctx, "confirm-email-change"),
      action: "/account/confirm-email",
    });
  });

  router.post("/account/confirm-email", body, async (ctx) => {
    csrf.verify(ctx, "confirm-email-change", submitted(ctx)._csrf);
    await app.rateLimits.accountPerIp.consume(ctx.ip);
    const parsed = confirmBody.safeParse(submitted(ctx));
    const result = parsed.success
      ? await services.emailChange.confirm(parsed.data.token, h.requestInfo(ctx))
      : { outcome: "invalid" as const };
    if (result.outcome !== "changed") {
      ctx.status = 400;
      ctx.type = "html";
      const say = h.say(ctx);
      ctx.body = await app.views.render("pages/error", {
        ...localeLocals(ctx, "error", app.config.defaultLocale),
        title: say("confirmEmail.invalidTitle"),
        status: 400,
        message: say(result.outcome === "taken" ? "confirmEmail.taken" : "confirmEmail.expired"),
        requestId: ctx.state.requestId,
        startOverUrl: "/account/profile",
      });
      return;
    }
    setNotice(ctx, "email_changed", app.config.isProduction);
    ctx.status = 303;
    ctx.redirect("/account/profile");
  });
}
