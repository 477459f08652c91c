// What every account page module gets from the account area (index.ts builds it): the signed-in user, rendering
// and the request's facts.
import type { Context, Next } from "koa";
import type { AccountSession } from "../../account-session.ts";

export type AccountRouteHelpers = {
  /** middleware: the signed-in user in ctx.state.account, or a redirect to /login that comes back here */
  requireAccount: (ctx: Context, next: Next) => Promise<void>;
  account: (ctx: Context) => AccountSession;
  render: (ctx: Context, page: string, locals: Record<string, unknown>, status?: number) => Promise<void>;
  /** the request's messages (http/locale.ts): a key or a fixed English text, in the page's language */
  say: (ctx: Context) => (text: string, vars?: Record<string, string | number>) => string;
  requestInfo: (ctx: Context) => { ip: string; userAgent: string | null };
  /** requestInfo and the browser's trusted-device cookie, for a password or code check (lockout: services/sign-in-locks.ts); never for audit records */
  credentialRequest: (ctx: Context) => { ip: string; userAgent: string | null; deviceToken: string | undefined };
};
