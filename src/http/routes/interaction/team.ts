// The team page (/interaction/:uid/team): a user with several teams picks the one to sign in with (a radio
// list, no JavaScript needed); a relying party's `team` the user is not in shows the same page with a message,
// never another team silently. Two ways in: a login waiting at its team step, or oidc-provider's "team" prompt
// for a live session (team-claims.ts).
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import type { TeamPage } from "../../../flows/login/team.ts";
import type { Outcome } from "../../../flows/login/types.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";
import { wording } from "./messages.ts";
import { formField, type Forms } from "../../forms.ts";

// no team picked: ""; one sent twice or too long: none the user can be in (the page says so)
const teamBody = z.object({ team: formField((v) => (v === undefined ? "" : typeof v === "string" && v.length <= 64 ? v : undefined)) });

export function createTeamPage(h: InteractionHelpers, engine: LoginEngine) {
  async function render(ctx: Context, interaction: Interaction, answer: TeamPage | Outcome) {
    if (answer.kind !== "page") return h.answer(ctx, interaction, answer);
    const { uid, prompt } = interaction;
    const said = answer.refusal ? wording(answer.refusal) : undefined;
    await h.renderPage(
      ctx,
      "login-team",
      {
        title: "Choose a team",
        clientName: await h.appName(interaction),
        teams: answer.teams,
        requested: answer.requested,
        // a team the relying party did not ask for is never chosen for the user: nothing is preselected then
        preselect: !answer.requested,
        error: said?.message,
        errorKey: said?.key,
        csrfToken: h.csrfToken(ctx, uid),
        action: `/interaction/${uid}/team`,
        startOverUrl: prompt.name === "login" ? `/interaction/${uid}` : undefined,
      },
      said?.status,
    );
  }

  /** the live session's user and the team the relying party asked for, on oidc-provider's "team" prompt */
  function liveSession(interaction: Interaction): { userId: string; requested: string | undefined } | null {
    const { prompt, session } = interaction;
    if (prompt.name !== "team" || !session?.accountId) return null;
    const requested = (prompt.details as { requestedTeam?: unknown }).requestedTeam;
    return { userId: session.accountId, requested: typeof requested === "string" ? requested : undefined };
  }

  async function show(ctx: Context, interaction: Interaction) {
    const live = liveSession(interaction);
    if (live) return render(ctx, interaction, await engine.team.forSession.show(live.userId, live.requested));
    h.requireLogin(interaction);
    return render(ctx, interaction, await engine.team.show(h.facts(ctx, interaction)));
  }

  async function submit(ctx: Context, interaction: Interaction, pick: string | undefined) {
    const facts = h.facts(ctx, interaction);
    const live = liveSession(interaction);
    if (live) {
      const answer = await engine.team.forSession.choose(live.userId, live.requested, pick, engine.trailOf(facts));
      if (answer.kind === "page") return render(ctx, interaction, answer);
      return h.finish(ctx, { gatehouse: { teamId: answer.teamId } }, true);
    }
    h.requireLogin(interaction);
    return render(ctx, interaction, await engine.team.choose(facts, pick));
  }

  return { show, submit };
}

export function registerTeamPage(router: Router, h: InteractionHelpers, engine: LoginEngine, forms: Forms) {
  const page = createTeamPage(h, engine);
  router.get("/interaction/:uid/team", async (ctx) => page.show(ctx, await h.load(ctx)));
  forms.post({ path: "/interaction/:uid/team", ...h.form, body: teamBody, handle: (ctx, i) => page.submit(ctx, i.scope, i.body.team) });
  return page;
}
