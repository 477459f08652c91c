// The Virtuozzo Application Platform's (formerly Jelastic) REST API, only the calls Gatehouse uses, exactly as
// documented (plugins/virtuozzo/README.md lists them with their documentation addresses): POST with a form body to
// <platform>/1.0/<service>/<class>/rest/<method>; every answer is JSON with `result` (0 = success). A non-zero
// result is the platform's refusal; a network error, a timeout or an HTTP status other than 200 means the
// platform is not available; an answer of any other shape is refused as malformed. Nothing here ever puts a
// password or a session into an error, a log line or a return value other than the session itself.
import { z } from "zod";

export type PlatformFailure =
  /** the platform answered with a non-zero result (wrong credentials, expired session ...) */
  | { outcome: "refused"; result: number }
  /** no answer in time, a network error, or an HTTP error status */
  | { outcome: "unavailable"; reason: "timeout" | "network" | "http"; status?: number }
  /** an answer that is not the documented shape */
  | { outcome: "malformed"; call: string };

export type PlatformCall<T> = ({ outcome: "ok" } & T) | PlatformFailure;

const API = "/1.0";
const result = z.number().int();
const signinAnswer = z.object({ result: z.literal(0), session: z.string().min(1).max(4096) });
const userInfoAnswer = z.object({ result: z.literal(0), uid: z.number().int(), email: z.string().min(1).max(320) });
const accountAnswer = z.object({ result: z.literal(0), groupType: z.string().min(1).max(100) });
const plainAnswer = z.object({ result: z.literal(0) });

export type Platform = ReturnType<typeof createPlatform>;

export function createPlatform(deps: { timeoutMs: number; fetch?: typeof fetch }) {
  const doFetch = deps.fetch ?? fetch;

  async function call<S extends z.ZodType>(
    base: string,
    path: string,
    form: Record<string, string>,
    shape: S,
  ): Promise<PlatformCall<{ answer: z.output<S> }>> {
    let res: Response;
    try {
      res = await doFetch(`${base}${API}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(deps.timeoutMs),
        redirect: "error",
      });
    } catch (err) {
      const name = (err as { name?: string }).name;
      return { outcome: "unavailable", reason: name === "TimeoutError" || name === "AbortError" ? "timeout" : "network" };
    }
    let body: unknown;
    try {
      if (res.status !== 200) {
        await res.body?.cancel();
        return { outcome: "unavailable", reason: "http", status: res.status };
      }
      body = await res.json();
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === "TimeoutError" || name === "AbortError") return { outcome: "unavailable", reason: "timeout" };
      return { outcome: "malformed", call: path };
    }
    const code = result.safeParse((body as { result?: unknown } | null)?.result);
    if (!code.success) return { outcome: "malformed", call: path };
    if (code.data !== 0) return { outcome: "refused", result: code.data };
    const parsed = shape.safeParse(body);
    return parsed.success ? { outcome: "ok", answer: parsed.data } : { outcome: "malformed", call: path };
  }

  return {
    /** users.Authentication.Signin: a new session for the account */
    async signIn(base: string, login: string, password: string): Promise<PlatformCall<{ session: string }>> {
      const r = await call(base, "/users/authentication/rest/signin", { login, password }, signinAnswer);
      return r.outcome === "ok" ? { outcome: "ok", session: r.answer.session } : r;
    },
    /** users.Account.GetUserInfo: who the session belongs to */
    async userInfo(base: string, session: string): Promise<PlatformCall<{ uid: number; email: string }>> {
      const r = await call(base, "/users/account/rest/getuserinfo", { session }, userInfoAnswer);
      return r.outcome === "ok" ? { outcome: "ok", uid: r.answer.uid, email: r.answer.email } : r;
    },
    /** billing.Account.GetAccount: the account's group type (trial, billing, post ...) */
    async groupType(base: string, session: string): Promise<PlatformCall<{ groupType: string }>> {
      const r = await call(base, "/billing/account/rest/getaccount", { session }, accountAnswer);
      return r.outcome === "ok" ? { outcome: "ok", groupType: r.answer.groupType.toLowerCase() } : r;
    },
    /** users.Authentication.Signout: ends a session (best effort: the caller does not wait on its outcome) */
    async signOut(base: string, session: string): Promise<PlatformCall<object>> {
      const r = await call(base, "/users/authentication/rest/signout", { session }, plainAnswer);
      return r.outcome === "ok" ? { outcome: "ok" } : r;
    },
  };
}
