// The language of a page for this request (lib/i18n): the authorization request's ui_locales when the page belongs
// to one (the interaction routes put it in ctx.state.uiLocales), then the language switcher's `lang` cookie, then
// the signed-in account's own language, then Accept-Language, then DEFAULT_LOCALE. Only the pages whose every text
// goes through the catalogues are translated; the others stay English as a whole (a page half in another language
// would carry a wrong lang attribute for screen readers).
import type { Context } from "koa";
import { isLocale, LANG_COOKIE, negotiateLocale, translateText, translator, type Locale } from "../lib/i18n/index.ts";
import { isSaid, sayRefusal } from "../lib/i18n/refusal.ts";

export const TRANSLATED_PAGES: ReadonlySet<string> = new Set([
  "login",
  "login-totp",
  "consent",
  "register",
  "forgot-password",
  "reset-sent",
  "reset-link-invalid",
  "reset-password",
  "error",
  "check-email",
  "email-verified",
  "verify-email-confirm",
  "verify-email-resend",
  "unlock",
  "unlock-done",
  "unlock-invalid",
  "account-restore",
  "account-restore-done",
  "account-restore-invalid",
  "account-deleted",
  "logged-out",
  "logout",
  "home",
  "invitation",
  "invitation-result",
  "account/confirm-email",
  // the later sign-in steps (lib/i18n/en-signin.ts)
  "login-device",
  "login-enrol",
  "login-hold",
  "login-hold-blocked",
  "login-hold-decided",
  "login-hold-invalid",
  "login-single-session",
  "login-team",
  "magic-link-sent",
  "magic-link-open",
  "magic-link-code",
  "magic-link-invalid",
  "federation-link",
  "federation-saml-continue",
  // the admin console's people screens and the shared confirmation page (lib/i18n/en-admin.ts; admin-people helper)
  ...["dashboard", "users", "users-detail", "users-confirm", "teams", "teams-detail", "audit", "confirm"].map((page) => `admin/${page}`),
  // the admin configuration screens (lib/i18n/en-admin-config.ts; admin-config helper)
  ...[
    "clients",
    "clients-detail",
    "clients-form",
    "clients-secret",
    "clients-confirm",
    "client-branding",
    "connectors",
    "connectors-form",
    "keys",
    "keys-confirm",
    "webhooks",
    "outbox",
    "branding",
    "roles",
    "roles-system-edit",
    "roles-team",
    "roles-team-edit",
    "roles-teams",
  ].map((page) => `admin/${page}`),
  // a team's own pages and the emailed ownership transfer link (lib/i18n/en-teams.ts; teams helper)
  ...["members", "roles", "role-edit", "invitations", "transfer", "transfer-accept", "sso", "virtuozzo", "confirm"].map(
    (page) => `teams/${page}`,
  ),
  // a held sign-in's emailed approval page (services/risk/words.ts says its reasons)
  "login-hold-confirm",
]);

export { LANG_COOKIE };

type AccountState = { user?: { locale?: string | null; timeZone?: string | null } } | undefined;

export function localeOf(ctx: Context, fallback: Locale): Locale {
  const cookie = ctx.cookies.get(LANG_COOKIE);
  const account = (ctx.state.account as AccountState)?.user?.locale;
  return negotiateLocale({
    uiLocales: ctx.state.uiLocales,
    chosen: [isLocale(cookie) ? cookie : undefined, account],
    acceptLanguage: ctx.get("accept-language") || undefined,
    fallback,
  });
}

/** the signed-in account's time zone for dates on its pages (null: UTC, which the pages name) */
export const timeZoneOf = (ctx: Context): string | null => (ctx.state.account as AccountState)?.user?.timeZone ?? null;

/** `{ locale }` for a translated page (views give it `t` and `lang`), else nothing (English) */
export const localeLocals = (ctx: Context, page: string, fallback: Locale): { locale?: Locale; timeZone?: string | null } =>
  TRANSLATED_PAGES.has(page) ? { locale: localeOf(ctx, fallback), timeZone: timeZoneOf(ctx) } : {};

/** a message key or a fixed English text (one a catalogue has), with its {placeholders} filled in */
export type Say = (text: string, vars?: Record<string, string | number>) => string;

/**
 * a page's language: `locals` for its view (localeLocals) and `say`, its words in that language (English for a
 * page TRANSLATED_PAGES does not hold: a half-translated page would carry a wrong lang attribute)
 */
export function pageLanguage(
  ctx: Context,
  page: string,
  fallback: Locale,
): { locals: { locale?: Locale; timeZone?: string | null }; say: Say } {
  const locals = localeLocals(ctx, page, fallback);
  const t = translator(locals.locale ?? "en");
  return { locals, say: (text, vars) => translateText(t, text, vars) };
}

/**
 * a page's `title`, `error` and `notice` (message keys, fixed English texts, or a service's refusal: its key with
 * its values) said; anything else stays out
 */
export const saidTexts = (locals: Record<string, unknown>, say: Say): Record<string, string> =>
  Object.fromEntries(
    (["title", "error", "notice"] as const).flatMap((k) => {
      const text = locals[k];
      return typeof text === "string" || isSaid(text) ? [[k, sayRefusal(say, text)]] : [];
    }),
  );

/**
 * the request's messages for a route: `say("form.email")` or `say(serviceMessage)` (a fixed English text the
 * catalogue has) in the page's language; any other text stays as it is
 */
export function sayer(ctx: Context, fallback: Locale): (text: string, vars?: Record<string, string | number>) => string {
  const t = translator(localeOf(ctx, fallback));
  return (text, vars) => translateText(t, text, vars);
}
