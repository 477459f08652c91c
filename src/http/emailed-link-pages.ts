// The pages of a link mailed to a user (a held sign-in's approve / deny, the lockout's unlock): the token is in
// the URL, so no Referer leaves these pages and nothing is cached; a used, unknown or expired link gets one "no
// longer valid" page (410 when it expired, else 400). The confirmation form is bound to its link (`binding`).
import type { Context } from "koa";
import { sha256 } from "../lib/crypto.ts";
import type { Views } from "../lib/views.ts";
import type { Locale } from "../lib/i18n/index.ts";
import { localeLocals } from "./locale.ts";

/** `defaultLocale`: DEFAULT_LOCALE, for the pages translated (http/locale.ts) when the request names no language we have */
export function emailedLinkPages(views: Views, invalidPage: string, defaultLocale: Locale = "en") {
  async function page(ctx: Context, name: string, locals: Record<string, unknown>, status = 200): Promise<void> {
    ctx.set("Referrer-Policy", "no-referrer");
    ctx.set("Cache-Control", "no-store");
    ctx.status = status;
    ctx.type = "html";
    ctx.body = await views.render(`pages/${name}`, { ...localeLocals(ctx, name, defaultLocale), ...locals });
  }
  return {
    page,
    invalid: (ctx: Context, expired: boolean) =>
      page(ctx, invalidPage, { title: "This link is no longer valid", expired }, expired ? 410 : 400),
  };
}

/** the CSRF binding of a link's form: its token only works with the link it was shown for */
export const linkBinding = (kind: string, token: string) => `${kind}:${sha256(token)}`;
