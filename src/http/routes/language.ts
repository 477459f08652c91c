// GET /language?set=de[&return=/path]: the language switcher of every page's footer (views/layouts/main.eta). Sets
// the `lang` cookie (a preference, not a credential: a GET without CSRF is fine, a forged one only changes the
// language) and goes back to the page it came from: `return` when it is a path on this site, else the Referer
// when it is this site's own (the pages send it, Referrer-Policy same-origin), else the start page. Never
// anywhere else: an absolute or protocol-relative URL is refused as a return (no open redirect).
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../web-context.ts";
import { isLocale } from "../../lib/i18n/index.ts";
import { LANG_COOKIE } from "../locale.ts";

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** a path on this site ("/account/profile?x=1"), or null: no scheme, no host, no "//" or "/\" start, no control characters */
export function sameSitePath(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 500) return null;
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (!/^\/(?![/\\])/.test(value) || /[\u0000-\u001f\u007f\\]/.test(value)) return null;
  return value;
}

/** the Referer's path and query when it is a page of this issuer, else null */
function refererPath(ctx: Context, issuer: string): string | null {
  const referer = ctx.get("referer");
  if (!referer) return null;
  try {
    const url = new URL(referer);
    return url.origin === new URL(issuer).origin ? sameSitePath(url.pathname + url.search) : null;
  } catch {
    return null;
  }
}

export function registerLanguageRoutes(router: Router, app: AppContext): void {
  router.get("/language", (ctx) => {
    const asked = ctx.query.set;
    if (!isLocale(asked)) {
      ctx.status = 400;
      ctx.type = "text";
      ctx.body = "Unknown language";
      return;
    }
    const back = ctx.query.return === undefined ? refererPath(ctx, app.config.issuer) : sameSitePath(ctx.query.return);
    if (ctx.query.return !== undefined && back === null) {
      ctx.status = 400;
      ctx.type = "text";
      ctx.body = "The return address must be a path on this site";
      return;
    }
    ctx.cookies.set(LANG_COOKIE, asked, {
      httpOnly: true,
      sameSite: "lax",
      secure: app.config.isProduction,
      maxAge: YEAR_MS,
      overwrite: true,
    });
    ctx.set("Cache-Control", "no-store");
    ctx.status = 303;
    ctx.redirect(back ?? "/");
  });
}
