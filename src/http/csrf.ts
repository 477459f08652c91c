// CSRF protection for Gatehouse's own forms: a random per-browser cookie plus a form token that is an HMAC of
// that cookie and what the form is about (e.g. one interaction), compared in constant time; and a POST whose
// Origin header names another site (or is "null") is refused outright. (Hand-written because the maintained
// CSRF packages target Express; this is the signed double-submit pattern in ~50 lines.)
import { createHmac } from "node:crypto";
import type { Context } from "koa";
import { constantTimeEqual, randomToken } from "../lib/crypto.ts";
import { catalogueError } from "./errors.ts";

export type Csrf = {
  /** the token to put in a form about `binding`; sets the cookie when the browser has none */
  token(ctx: Context, binding: string): string;
  /** throws a 403 AppError unless the request carries a valid token for `binding` and a same-site Origin */
  verify(ctx: Context, binding: string, submitted: unknown, opts?: VerifyOptions): void;
};

export type VerifyOptions = {
  /**
   * For a form on a page sent with `Referrer-Policy: no-referrer`: browsers then post `Origin: null` (Fetch
   * spec), so a literal "null" is let through to the token check, unless Sec-Fetch-Site says the post came
   * from another site. Only for forms where something else (an emailed token) authorizes the action.
   */
  allowNullOrigin?: boolean;
};

export function createCsrf(opts: { cookieKeys: string[]; secureCookies: boolean; issuer: string }): Csrf {
  const cookieName = opts.secureCookies ? "__Host-gh.csrf" : "gh.csrf";
  const origin = new URL(opts.issuer).origin;
  // keys of their own, derived from COOKIE_KEYS; tokens made with an older listed key stay valid after rotation
  const keys = opts.cookieKeys.map((k) => createHmac("sha256", k).update("gatehouse csrf v1").digest());
  const mac = (key: Buffer, cookie: string, binding: string) =>
    createHmac("sha256", key).update(`${cookie}|${binding}`).digest("base64url");

  return {
    token(ctx, binding) {
      let cookie = ctx.cookies.get(cookieName);
      if (!cookie || cookie.length < 32) {
        cookie = randomToken(32);
        ctx.cookies.set(cookieName, cookie, { httpOnly: true, sameSite: "lax", secure: opts.secureCookies, path: "/", overwrite: true });
      }
      return mac(keys[0]!, cookie, binding);
    },
    verify(ctx, binding, submitted, verifyOpts = {}) {
      const requestOrigin = ctx.get("origin");
      const fetchSite = ctx.get("sec-fetch-site");
      const nullFromHere =
        verifyOpts.allowNullOrigin === true && requestOrigin === "null" && (fetchSite === "" || fetchSite === "same-origin");
      if (requestOrigin && requestOrigin !== origin && !nullFromHere) {
        throw catalogueError("csrf.foreign_origin#form");
      }
      const cookie = ctx.cookies.get(cookieName);
      if (!cookie || typeof submitted !== "string" || !keys.some((key) => constantTimeEqual(mac(key, cookie, binding), submitted))) {
        throw catalogueError("csrf.invalid_token");
      }
    },
  };
}
