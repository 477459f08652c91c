// The part of a team page's form declaration (http/forms.ts) every team POST shares: signed in, a member of the
// team in the URL (404 for anyone else, so another team's existence never shows), and the team's CSRF binding
// (the one pages.render gives the page's forms).
import type { Context } from "koa";
import { z } from "zod";
import { formField } from "../../forms.ts";
import type { TeamActor } from "../../../services/team-roles.ts";
import type { TeamPages } from "./shared.ts";

export function teamForm(pages: TeamPages) {
  return {
    guard: pages.requireAccount,
    scope: (ctx: Context): Promise<TeamActor> => pages.actor(ctx),
    csrf: (_ctx: Context, state: { scope: TeamActor }) => `team:${state.scope.team.id}`,
  };
}

/** the body of a destructive action's POST: whether it is the confirmed second step (pages.confirm's button) */
export const confirmBody = z.object({ confirm: formField((v) => v === "yes") });
