// A loopback stand-in for the Virtuozzo Application Platform's REST API, implementing exactly the calls Gatehouse
// uses (plugins/virtuozzo/README.md): POST form bodies to /1.0/users/authentication/rest/signin, /signout,
// /1.0/users/account/rest/getuserinfo and /1.0/billing/account/rest/getaccount, JSON answers with `result` (0 =
// success). Sessions expire (by the given clock), accounts have group types; the test picks the answer mode
// (normal, HTTP 503, a malformed body) and a delay, and reads how often each call came.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export type PlatformAccount = { password: string; uid: number; email: string; groupType: string };
/** refuse_info: sign-in works, GetUserInfo and GetAccount answer a non-zero result (the platform's refusal) */
type Mode = "ok" | "http503" | "malformed" | "wrong_shape" | "refuse_info";
/** the stand-in's answer for a bad login or an unknown / expired session (any non-zero result is a refusal) */
export const REFUSED = 702;

export async function startPlatform(opts: { now?: () => number } = {}) {
  const now = opts.now ?? (() => Date.now());
  const accounts = new Map<string, PlatformAccount>();
  const sessions = new Map<string, { login: string; expires: number }>();
  const calls = { signin: 0, signout: 0, getuserinfo: 0, getaccount: 0 };
  const received: string[] = [];
  const state = { mode: "ok" as Mode, delayMs: 0, sessionMs: 24 * 3600 * 1000, gate: null as Promise<void> | null };

  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  const sessionOf = (form: URLSearchParams) => {
    const s = sessions.get(form.get("session") ?? "");
    return s && s.expires > now() ? s : null;
  };

  function handle(method: string, form: URLSearchParams): unknown {
    switch (method) {
      case "signin": {
        const a = accounts.get(form.get("login") ?? "");
        if (!a || a.password !== form.get("password")) return { result: REFUSED, error: "wrong login or password" };
        const session = randomBytes(18).toString("hex");
        sessions.set(session, { login: form.get("login")!, expires: now() + state.sessionMs });
        return { result: 0, session, uid: a.uid, email: a.email };
      }
      case "getuserinfo": {
        const s = sessionOf(form);
        if (!s) return { result: REFUSED, error: "session is invalid" };
        const a = accounts.get(s.login)!;
        return { result: 0, uid: a.uid, email: a.email, name: "Stand-in" };
      }
      case "getaccount": {
        const s = sessionOf(form);
        if (!s) return { result: REFUSED, error: "session is invalid" };
        return { result: 0, groupType: accounts.get(s.login)!.groupType, balance: 10, status: 1 };
      }
      case "signout":
        sessions.delete(form.get("session") ?? "");
        return { result: 0 };
    }
    return { result: 1, error: "unknown method" };
  }

  const server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      raw += c;
    });
    req.on("end", () => {
      void (async () => {
        const m = /^\/1\.0\/(users\/authentication|users\/account|billing\/account)\/rest\/(signin|signout|getuserinfo|getaccount)$/.exec(
          req.url ?? "",
        );
        if (req.method !== "POST" || !m || !(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
          return answer(res, 404, { result: 1, error: "not here" });
        const method = m[2] as keyof typeof calls;
        calls[method] += 1;
        received.push(raw);
        if (state.gate) await state.gate;
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        if (res.destroyed) return;
        if (state.mode === "http503") return answer(res, 503, "Service Unavailable");
        if (state.mode === "malformed") return answer(res, 200, "<html>not json</html>");
        if (state.mode === "wrong_shape" && method !== "signout") return answer(res, 200, { result: 0, sessionId: 42 });
        if (state.mode === "refuse_info" && (method === "getuserinfo" || method === "getaccount"))
          return answer(res, 200, { result: REFUSED, error: "access denied" });
        answer(res, 200, handle(method, new URLSearchParams(raw)));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    calls,
    received,
    state,
    sessions,
    addAccount: (login: string, account: Omit<PlatformAccount, "uid" | "email"> & { uid?: number }) =>
      accounts.set(login, { uid: account.uid ?? accounts.size + 100, email: login, ...account }),
    /** the platform forgets every session (as after a platform-side sign-out everywhere) */
    expireAll: () => sessions.clear(),
    /** holds every answer until the returned function is called */
    hold(): () => void {
      let open!: () => void;
      state.gate = new Promise<void>((r) => {
        open = r;
      });
      return () => {
        state.gate = null;
        open();
      };
    },
    reset() {
      state.mode = "ok";
      state.delayMs = 0;
      for (const k of Object.keys(calls) as (keyof typeof calls)[]) calls[k] = 0;
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type StandInPlatform = Awaited<ReturnType<typeof startPlatform>>;
