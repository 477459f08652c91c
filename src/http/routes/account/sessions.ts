// /account/sessions: every live session of the signed-in user (device, browser, IP, approximate location,
// started, last active, remember me, the applications it signed in to, "this device"); revoke one other
// session, or all others (CSRF on both). Revoking ends the session, its grants and refresh tokens, and tells
// relying parties with back-channel logout. Another user's (or an unknown) session id is a 404 that changes
// nothing. sessionView is shared with the single-session sign-in page.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { UserSession } from "../../../services/sessions/records.ts";
import { describeLocation } from "../../../services/request/geo.ts";
import { ACCOUNT_CLIENT_ID } from "../../../oidc/configuration.ts";
import { defineForms } from "../../forms.ts";
import { catalogueError } from "../../errors.ts";
import type { AccountRouteHelpers } from "./helpers.ts";

const CSRF_BINDING = "account-sessions";
const SESSION_ID = /^[\w-]{1,64}$/;
const when = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;

export type SessionView = {
  id: string;
  current: boolean;
  device: string;
  browser: string;
  os: string;
  ip: string;
  location: string;
  started: string;
  lastActive: string;
  startedAt: Date;
  lastActiveAt: Date;
  remember: boolean;
  clients: string[];
};

/** a session row as the pages show it; client ids become application names */
export async function sessionView(app: AppContext, row: UserSession, currentUid?: string): Promise<SessionView> {
  const clients = await Promise.all(
    row.clients.map(async (id) => (id === ACCOUNT_CLIENT_ID ? "Gatehouse account" : ((await app.services.clients.find(id))?.name ?? id))),
  );
  return {
    id: row.id,
    current: row.id === currentUid,
    device: row.deviceType ? row.deviceType[0]!.toUpperCase() + row.deviceType.slice(1) : "Unknown device",
    browser: row.browser ?? "Unknown browser",
    os: row.os ?? "unknown system",
    ip: row.ip ?? "unknown address",
    location: describeLocation(
      row.countryCode ? { city: row.city, countryCode: row.countryCode, region: null, latitude: null, longitude: null } : null,
    ),
    started: when(row.startedAt),
    lastActive: when(row.lastActiveAt),
    startedAt: row.startedAt,
    lastActiveAt: row.lastActiveAt,
    remember: row.remember,
    clients,
  };
}

export function registerSessionsRoutes(router: Router, app: AppContext, h: AccountRouteHelpers): void {
  const { csrf, services } = app;
  const forms = defineForms(router, app, { guard: h.requireAccount, csrf: CSRF_BINDING });

  async function renderSessions(ctx: Context, locals: { notice?: string; error?: string } = {}, status = 200) {
    const { user, sessionUid } = h.account(ctx);
    const rows = await services.sessions.listActive(user.id);
    const sessions = await Promise.all(rows.map((r) => sessionView(app, r, sessionUid)));
    // this device first, the others newest first
    sessions.sort((a, b) => Number(b.current) - Number(a.current));
    return h.render(
      ctx,
      "sessions",
      {
        title: "Sessions",
        csrfToken: csrf.token(ctx, CSRF_BINDING),
        sessions,
        others: sessions.filter((s) => !s.current).length,
        ...locals,
      },
      status,
    );
  }

  router.get("/account/sessions", h.requireAccount, (ctx) => renderSessions(ctx));

  forms.post({
    path: "/account/sessions/:id/revoke",
    async handle(ctx) {
      const { user, sessionUid } = h.account(ctx);
      const id = String(ctx.params.id ?? "");
      if (id === sessionUid) return renderSessions(ctx, { error: "sessions.current" }, 400);
      const result = SESSION_ID.test(id)
        ? await services.sessions.revoke(user.id, id, { reason: "revoked", actorId: user.id, request: h.requestInfo(ctx) })
        : { outcome: "not_found" as const };
      if (result.outcome === "not_found") throw catalogueError("session.not_found#account", { startOverUrl: "/account/sessions" });
      return renderSessions(ctx, { notice: "sessions.signedOut" });
    },
  });

  forms.post({
    path: "/account/sessions/revoke-others",
    async handle(ctx) {
      const { user, sessionUid } = h.account(ctx);
      const request = h.requestInfo(ctx);
      const ended = await services.sessions.revokeAll(user.id, { reason: "revoked", actorId: user.id, request, keepUid: sessionUid });
      const notice =
        ended.length === 0 ? "sessions.noOthers" : ended.length === 1 ? "sessions.oneOtherSignedOut" : "sessions.othersSignedOut";
      return renderSessions(ctx, { notice: h.say(ctx)(notice, { count: ended.length }) });
    },
  });
}
