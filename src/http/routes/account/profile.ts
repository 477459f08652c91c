// /account/profile: the account's details, editing the display name, and changing the email address (needs
// the password; the new address must confirm by its emailed link, /account/confirm-email, before it counts).
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../web-context.ts";
import { defineForms } from "../../forms.ts";
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
});

const nameBody = z.object({ name: nameText("Your name").trim().max(100, "profile.nameTooLong") });
const emailBody = z.object({
  email: z.email("form.email").max(320, "profile.emailTooLong"),
  password: z.string().min(1, "profile.enterPassword").max(1024),
});
const confirmBody = z.object({ token: z.string().min(20).max(100) });

export function registerProfileRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const forms = defineForms(router, app, { guard: h.requireAccount });

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

  forms.post({
    path: "/account/profile/name",
    csrf: "account-name",
    body: nameBody,
    invalid: (ctx, { message }) => renderProfile(ctx, { error: message, field: "name" }, 400),
    async handle(ctx, { body }) {
      const name = body.name.normalize("NFC") || null;
      ctx.state.account.user = await services.accounts.updateName(h.account(ctx).user.id, name, h.requestInfo(ctx));
      return renderProfile(ctx, { notice: "profile.nameSaved" });
    },
  });

  // the account's language and time zone: its pages and emails follow them (http/locale.ts, services/mail)
  forms.post({
    path: "/account/profile/preferences",
    csrf: "account-preferences",
    body: preferencesBody,
    invalid: (ctx, { message, field }) => renderProfile(ctx, { error: message, field: field || "locale" }, 400),
    async handle(ctx, { body }) {
      const zone = timeZoneOrNull(body.time_zone);
      const preferences = { locale: body.locale || null, timeZone: zone === "UTC" ? null : zone };
      ctx.state.account.user = await services.accounts.updatePreferences(h.account(ctx).user.id, preferences, h.requestInfo(ctx));
      return renderProfile(ctx, { notice: "profile.preferencesSaved" });
    },
  });

  /** the address as typed, for the form to keep */
  const typedEmail = (submitted: Record<string, unknown>) => String(submitted.email ?? "").slice(0, 320);
  forms.post({
    path: "/account/profile/email",
    csrf: "account-email",
    rateLimit: { limit: "accountPerIp" },
    body: emailBody,
    invalid: (ctx, { message, field }, { submitted }) =>
      renderProfile(ctx, { error: message, field: field || "email", newEmail: typedEmail(submitted) }, 400),
    async handle(ctx, { body, submitted }) {
      const { user } = h.account(ctx);
      const newEmail = typedEmail(submitted);
      // only a request that can send an email (the right password) spends the address's email budget
      const result = await services.emailChange.request(user, body, h.credentialRequest(ctx), {
        beforeSend: () => app.rateLimits.accountPerIdentifier.consume(normalizeEmail(body.email)),
      });
      if (result.outcome === "wrong_password" || result.outcome === "locked") {
        const locked = result.outcome === "locked";
        const error = locked
          ? "Your account is locked after too many wrong passwords. Try again later."
          : "That is not your current password.";
        return renderProfile(ctx, { error, field: "password", newEmail }, locked ? 423 : 400);
      }
      if (result.outcome === "same_address")
        return renderProfile(ctx, { error: "That is already your email address.", field: "email", newEmail }, 400);
      return renderProfile(ctx, { notice: h.say(ctx)("profile.linkSent", { email: body.email, current: user.email }) });
    },
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

  /** a link that no longer works (or whose new address was taken since): the error page */
  const linkRefused = async (ctx: Context, taken = false) => {
    ctx.status = 400;
    ctx.type = "html";
    const say = h.say(ctx);
    ctx.body = await app.views.render("pages/error", {
      ...localeLocals(ctx, "error", app.config.defaultLocale),
      title: say("confirmEmail.invalidTitle"),
      status: 400,
      message: say(taken ? "confirmEmail.taken" : "confirmEmail.expired"),
      requestId: ctx.state.requestId,
      startOverUrl: "/account/profile",
    });
  };
  forms.post({
    path: "/account/confirm-email",
    guard: [], // the emailed link's page: the token is the proof, no sign-in needed
    csrf: "confirm-email-change",
    rateLimit: { limit: "accountPerIp" },
    body: confirmBody,
    invalid: (ctx) => linkRefused(ctx),
    async handle(ctx, { body }) {
      const result = await services.emailChange.confirm(body.token, h.requestInfo(ctx));
      if (result.outcome !== "changed") return linkRefused(ctx, result.outcome === "taken");
      setNotice(ctx, "email_changed", app.config.isProduction);
      ctx.status = 303;
      ctx.redirect("/account/profile");
    },
  });
}
