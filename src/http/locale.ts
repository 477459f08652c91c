// The language of a page for this request (lib/i18n): the authorization request's ui_locales when the page belongs
// to one (the interaction routes put it in ctx.state.uiLocales), then Accept-Language, then DEFAULT_LOCALE. Only
// the pages whose every text goes through the catalogues are translated; the others stay English as a whole (a
// page half in another language would carry a wrong lang attribute for screen readers).
import type { Context } from "koa";
import { negotiateLocale, type Locale } from "../lib/i18n/index.ts";

export const TRANSLATED_PAGES: ReadonlySet<string> = new Set([
  "login", "login-totp", "consent", "register", "forgot-password", "reset-sent", "reset-link-invalid", "reset-password", "error",
]);

export function localeOf(ctx: Context, fallback: Locale): Locale {
  return negotiateLocale({ uiLocales: ctx.state.uiLocales, acceptLanguage: ctx.get("accept-language") || undefined, fallback });
}

/** `{ locale }` for a translated page (views give it `t` and `lang`), else nothing (English) */
export const localeLocals = (ctx: Context, page: string, fallback: Locale): { locale?: Locale } =>
  (TRANSLATED_PAGES.has(page) ? { locale: localeOf(ctx, fallback) } : {});
