// The single-session gate of a login (SINGLE_SESSION=true; off by default): when the user already has another
// live session (not this browser's own), the login waits at /interaction/:uid/single-session, which lists the
// other session(s) and offers two POST buttons (CSRF, no JavaScript needed): "Sign the other session out and
// continue" passes the gate (once, even for parallel POSTs) and goes on with the login; the other sessions
// are ended (their grants and refresh tokens, back-channel logout; audited) only once the sign-in is settled
// (the gate's signedIn hook), so a login abandoned at a later step leaves them alone. "Cancel" stops the login
// and tells the relying party access_denied, leaving the other session alive.
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import type { AppContext } from "../../../context.ts";
import { sessionView } from "../account/sessions.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { followMovedLogin, type GateRunner, type LoginGate } from "./gates.ts";

export function createSingleSessionGate(app: AppContext, h: InteractionHelpers) {
  const { services } = app;
  const pagePath = (uid: string) => `/interaction/${uid}/single-session`;
  const request = (ctx: Context, interaction: Interaction) => h.requestInfo(ctx, String(interaction.params.client_id));

  /** the user's live sessions other than this browser's own */
  const othersOf = async (userId: string, interaction: Interaction) =>
    (await services.sessions.listActive(userId)).filter((s) => s.id !== interaction.session?.uid);

  const gate: LoginGate = {
    name: "single_session",
    async check(_ctx, interaction, who) {
      if (!app.config.session.singleSession) return { pass: true };
      const others = await othersOf(who.userId, interaction);
      if (!others.length) return { pass: true, audit: { singleSession: "none" } };
      return { pass: false, redirect: pagePath(interaction.uid), data: { shownAt: String(app.clock.now().getTime()) } };
    },

    /** the user chose "sign the other session out": now that the sign-in is settled, end them */
    async signedIn(ctx, interaction, who) {
      if (who.audit.singleSession !== "replaced") return;
      for (const other of await othersOf(who.userId, interaction)) {
        await services.sessions.revoke(who.userId, other.id, { reason: "single_session", actorId: who.userId, request: request(ctx, interaction) });
      }
    },
  };

  function register(router: Router, gates: GateRunner, body: Middleware): void {
    router.get("/interaction/:uid/single-session", followMovedLogin, async (ctx) => {
      const interaction = await h.load(ctx);
      const state = await gates.pending(interaction, "single_session");
      const others = await Promise.all((await othersOf(state.who.userId, interaction)).map((s) => sessionView(app, s)));
      await h.renderPage(ctx, "login-single-session", {
        title: "You are signed in elsewhere",
        clientName: await h.appName(interaction),
        sessions: others,
        csrfToken: h.csrfToken(ctx, interaction.uid),
        continueAction: `${pagePath(interaction.uid)}/continue`,
        cancelAction: `${pagePath(interaction.uid)}/cancel`,
      });
    });

    router.post("/interaction/:uid/single-session/continue", body, async (ctx) => {
      const interaction = await h.load(ctx);
      h.verifyCsrf(ctx, interaction.uid);
      const state = await gates.pending(interaction, "single_session");
      const others = (await othersOf(state.who.userId, interaction)).map((s) => s.id);
      const waitedMs = Math.max(0, app.clock.now().getTime() - Number(state.data.shownAt ?? app.clock.now().getTime()));
      // the sessions end in signedIn, once the whole sign-in is through (pass is once-only: one revocation)
      return gates.pass(ctx, interaction, state, { singleSession: "replaced", replacedSessions: others, singleSessionDecisionMs: String(waitedMs) });
    });

    router.post("/interaction/:uid/single-session/cancel", body, async (ctx) => {
      const interaction = await h.load(ctx);
      h.verifyCsrf(ctx, interaction.uid);
      const state = await gates.pending(interaction, "single_session");
      const others = await othersOf(state.who.userId, interaction);
      await gates.stop(interaction);
      await services.audit.record({
        type: "session.single_session_cancelled", outcome: "failure", userId: state.who.userId, ...request(ctx, interaction),
        data: { decision: "cancel", otherSessions: others.map((s) => s.id), latencyMs: Math.max(0, app.clock.now().getTime() - Number(state.data.shownAt ?? 0)) },
      });
      return h.finish(ctx, { error: "access_denied", error_description: "The sign-in was cancelled: the account is signed in elsewhere." }, false);
    });
  }

  return { gate, register };
}
