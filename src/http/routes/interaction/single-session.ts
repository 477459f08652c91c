// The single-session page (/interaction/:uid/single-session; SINGLE_SESSION=true): the user's other live
// sessions and two POST buttons (CSRF, no JavaScript needed): sign the other out and continue, or cancel.
import type Router from "@koa/router";
import type { AppContext } from "../../web-context.ts";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import { sessionView } from "../account/sessions.ts";
import type { InteractionHelpers } from "./shared.ts";
import type { Forms } from "../../forms.ts";

export function registerSingleSessionPage(router: Router, app: AppContext, h: InteractionHelpers, engine: LoginEngine, forms: Forms): void {
  const pagePath = (uid: string) => `/interaction/${uid}/single-session`;

  router.get("/interaction/:uid/single-session", async (ctx) => {
    const interaction = await h.load(ctx);
    h.requireLogin(interaction);
    const answer = await engine.singleSession.show(h.facts(ctx, interaction));
    if (answer.kind !== "page") return h.answer(ctx, interaction, answer);
    await h.renderPage(ctx, "login-single-session", {
      title: "You are signed in elsewhere",
      clientName: await h.appName(interaction),
      sessions: await Promise.all(answer.sessions.map((s) => sessionView(app, s))),
      csrfToken: h.csrfToken(ctx, interaction.uid),
      continueAction: `${pagePath(interaction.uid)}/continue`,
      cancelAction: `${pagePath(interaction.uid)}/cancel`,
    });
  });

  for (const [path, act] of [
    ["continue", engine.singleSession.replace],
    ["cancel", engine.singleSession.cancel],
  ] as const) {
    forms.post({
      path: `/interaction/:uid/single-session/${path}`,
      ...h.gateForm,
      handle: async (ctx, { loaded }) => h.answer(ctx, loaded, await act(h.facts(ctx, loaded))),
    });
  }
}
