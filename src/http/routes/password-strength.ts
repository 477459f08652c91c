// POST /password/strength: the live strength meter's answer, from the server's own password policy, so the page
// and the server that finally checks the password can never disagree; in the page's language (the meter sends
// its page's `lang`; else the request's language: http/locale.ts).
import type Router from "@koa/router";
import type { Context, Next } from "koa";
import { z } from "zod";
import type { AppContext } from "../web-context.ts";
import { catalogueError } from "../errors.ts";
import { parseBody } from "../body.ts";
import { MAX_PASSWORD_LENGTH, MESSAGES, type PolicyResult } from "../../services/password-policy.ts";
import { isLocale, translateText, translator, type MessageKey, type Translate } from "../../lib/i18n/index.ts";
import { localeOf } from "../locale.ts";

const strengthBody = z.object({
  // the policy counts code points; the body limit bounds the rest
  password: z.string().max(4 * MAX_PASSWORD_LENGTH),
  username: z.string().max(64).optional(),
  email: z.string().max(320).optional(),
  name: z.string().max(200).optional(),
  /** the meter's page's language (its <html lang>) */
  lang: z.string().max(16).optional(),
});

const LABELS: readonly MessageKey[] = ["strength.veryWeak", "strength.weak", "strength.fair", "strength.good", "strength.strong"];

/** what the meter shows, in `t`'s language: the policy's own refusal, or how strong an accepted password is */
export function strengthAnswer(result: PolicyResult, t: Translate = translator("en")): { ok: boolean; score: number; message: string } {
  if (!result.ok) return { ok: false, score: result.score, message: translateText(t, result.message) };
  const label = t(LABELS[result.score] ?? "strength.strong");
  return { ok: true, score: result.score, message: t(result.score >= 4 ? "strength.hard" : "strength.accepted", { label }) };
}

/** refuses what a page's own script would never send: another site's request, or a body that is not JSON */
function sameSiteJsonOnly(issuer: string) {
  const origin = new URL(issuer).origin;
  return async (ctx: Context, next: Next) => {
    ctx.set("Cache-Control", "no-store"); // errors included: nothing about a password is ever cached
    // The answer changes nothing, but it spends the caller's rate-limit budget: only our own pages may ask.
    // A cross-site page cannot send a JSON body without a CORS preflight (which we never grant), and browsers
    // name the requesting site in Origin and Sec-Fetch-Site.
    // (A page with Referrer-Policy no-referrer, like the reset page, makes the browser send "Origin: null";
    // Sec-Fetch-Site, which page scripts cannot set, still says where it came from.)
    const site = ctx.get("sec-fetch-site");
    const sent = ctx.get("origin");
    const nullFromHere = sent === "null" && site === "same-origin";
    if ((sent && sent !== origin && !nullFromHere) || (site && site !== "same-origin")) {
      throw catalogueError("csrf.foreign_origin");
    }
    if (!ctx.is("application/json")) throw catalogueError("password_strength.unsupported_type");
    await next();
  };
}

export function registerPasswordStrengthRoutes(router: Router, app: AppContext) {
  const body = parseBody(app.config.bodyLimit);

  router.post("/password/strength", sameSiteJsonOnly(app.config.issuer), body, async (ctx) => {
    await app.rateLimits.strengthPerIp.consume(ctx.ip);
    const parsed = strengthBody.safeParse(ctx.request.body);
    if (!parsed.success) throw catalogueError("password_strength.invalid");
    const { password, lang, ...context } = parsed.data;
    const t = translator(isLocale(lang) ? lang : localeOf(ctx, app.config.defaultLocale));
    // the forms refuse more than MAX_PASSWORD_LENGTH UTF-16 units before the policy runs; so does the meter
    ctx.body =
      password.length > MAX_PASSWORD_LENGTH
        ? { ok: false, score: 0, message: translateText(t, MESSAGES.tooLong) }
        : strengthAnswer(await app.services.passwordPolicy.check(password, context), t);
  });
}
