// One-time notices shown on the next page (the sign-in page after a password reset, say): a short signed
// cookie holding one code from a fixed list, set only by our own handlers, so no other site can make a page
// say "your password was changed" and no text from a URL ever reaches a page.
import type { Context } from "koa";

export const NOTICES = {
  password_reset: "Your password was changed and every session was signed out. Sign in with your new password.",
  email_changed: "Your email address was changed.",
  email_verified: "Your email address is confirmed. Sign in to continue.",
} as const;
export type NoticeCode = keyof typeof NOTICES;

const COOKIE = "gh.notice";
const isNotice = (value: unknown): value is NoticeCode => typeof value === "string" && Object.hasOwn(NOTICES, value);

export function setNotice(ctx: Context, code: NoticeCode, secure: boolean): void {
  ctx.cookies.set(COOKIE, code, { httpOnly: true, sameSite: "lax", secure, signed: true, maxAge: 10 * 60 * 1000, overwrite: true });
}

/** the pending notice's text, cleared as it is read */
export function takeNotice(ctx: Context, secure: boolean): string | undefined {
  const code = ctx.cookies.get(COOKIE, { signed: true });
  if (!code) return undefined;
  ctx.cookies.set(COOKIE, null, { httpOnly: true, sameSite: "lax", secure, signed: true, overwrite: true });
  return isNotice(code) ? NOTICES[code] : undefined;
}
