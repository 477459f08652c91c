// The team step of a sign-in (/interaction/:uid/team): after every factor, a user with several teams picks the
// one to sign in with (a radio list, no JavaScript needed); a relying party's `team` the user is not in shows
// the same page with a message, never another team silently. Two ways in: during a login (the pre-auth state of
// login-flow.ts) or, for a live session, oidc-provider's "team" prompt (team-claims.ts).
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../../context.ts";
import type { LoginFlow, SignedIn } from "../../../flows/login-flow.ts";
import { ACCOUNT_CLIENT_ID } from "../../../oidc/configuration.ts";
import { chooseTeam } from "../../../oidc/team-claims.ts";
import { AppError } from "../../errors.ts";
import type { Interaction, InteractionHelpers } from "./shared.ts";

export type { SignedIn };
/** after the whole sign-in is settled (team included), just before the session is made: the gates' follow-ups */
export type SignedInHook = (ctx: Context, interaction: Interaction, who: SignedIn) => Promise<void>;

const teamBody = z.object({ team: z.string().max(64).optional(), _csrf: z.string().optional() });

export function createTeamSelectHandlers(app: AppContext, h: InteractionHelpers, flow: LoginFlow, signedIn: SignedInHook = async () => {}) {
  const { services } = app;

  const expired = (uid: string) =>
    new AppError("login.team_select_expired", 400, "This sign-in step has expired. Start again and enter your password.", { startOverUrl: `/interaction/${uid}` });

  /** the finished sign-in, with the team the grant will speak for (null: none) */
  async function complete(ctx: Context, interaction: Interaction, who: SignedIn, teamId: string | null) {
    const info = h.requestInfo(ctx, String(interaction.params.client_id));
    // the last check before the session is made: the account is still active, the password unchanged since
    // this login checked it (a login may have waited at a gate or here for minutes)
    if (!(await flow.stillValid(who))) throw expired(interaction.uid);
    await signedIn(ctx, interaction, who);
    await services.audit.record({ type: "login.succeeded", outcome: "success", userId: who.userId, ...info, data: { ...who.audit, ...(teamId ? { teamId } : {}) } });
    return h.finish(ctx, { login: { accountId: who.userId, amr: who.amr, remember: who.remember }, gatehouse: { teamId } }, false);
  }

  /** after the last factor: sign in, or first ask for the team when it is not clear which one is meant */
  async function proceed(ctx: Context, interaction: Interaction, who: SignedIn) {
    const { uid, params } = interaction;
    const requested = typeof params.team === "string" ? params.team : undefined;
    const choice = params.client_id === ACCOUNT_CLIENT_ID ? { kind: "use" as const, teamId: null } : chooseTeam(await services.teams.membershipsOf(who.userId), requested);
    if (choice.kind === "use") return complete(ctx, interaction, who, choice.teamId);
    await flow.beginTeamSelect(uid, interaction.exp, { ...who, ...(requested ? { requested } : {}) });
    ctx.status = 303;
    return ctx.redirect(`/interaction/${uid}/team`);
  }

  /** whose teams this page is about: the pending login's user, or the live session's for the "team" prompt */
  async function subject(interaction: Interaction): Promise<{ userId: string; requested?: string; login?: Awaited<ReturnType<LoginFlow["pendingTeam"]>> }> {
    const { prompt, uid, session } = interaction;
    if (prompt.name === "team" && session?.accountId) {
      const requested = (prompt.details as { requestedTeam?: unknown }).requestedTeam;
      return { userId: session.accountId, ...(typeof requested === "string" ? { requested } : {}) };
    }
    if (prompt.name !== "login") throw h.wrongStep();
    const state = await flow.pendingTeam(uid);
    if (!state) throw expired(uid);
    return { userId: state.userId, ...(state.requested ? { requested: state.requested } : {}), login: state };
  }

  async function render(ctx: Context, interaction: Interaction, locals: { userId: string; requested?: string; error?: string; status?: number }) {
    const { uid, prompt } = interaction;
    const memberships = await services.teams.membershipsOf(locals.userId);
    await h.renderPage(ctx, "login-team", {
      title: "Choose a team",
      clientName: await h.appName(interaction),
      teams: memberships.map((m) => ({ id: m.team.id, name: m.team.name, slug: m.team.slug, role: m.role.name })),
      requested: locals.requested,
      // a team the relying party did not ask for is never chosen for the user: nothing is preselected then
      preselect: !locals.requested,
      error: locals.error,
      csrfToken: h.csrfToken(ctx, uid),
      action: `/interaction/${uid}/team`,
      startOverUrl: prompt.name === "login" ? `/interaction/${uid}` : undefined,
    }, locals.status);
  }

  async function show(ctx: Context, interaction: Interaction) {
    return render(ctx, interaction, await subject(interaction));
  }

  async function submit(ctx: Context, interaction: Interaction) {
    h.verifyCsrf(ctx, interaction.uid);
    const who = await subject(interaction);
    const parsed = teamBody.safeParse(ctx.request.body ?? {});
    const picked = parsed.success ? (parsed.data.team ?? "") : undefined;
    const memberships = await services.teams.membershipsOf(who.userId);
    const member = memberships.find((m) => m.team.id === picked);
    // "" is "go on without a team", offered only to a user who has none
    const valid = member || (picked === "" && memberships.length === 0);
    if (!valid) return render(ctx, interaction, { ...who, error: "Choose one of your teams.", status: 400 });
    const teamId = member ? member.team.id : null;
    if (who.login) {
      if (!(await flow.finishTeamSelect(interaction.uid))) throw expired(interaction.uid);
      return complete(ctx, interaction, who.login, teamId);
    }
    const info = h.requestInfo(ctx, String(interaction.params.client_id));
    await services.audit.record({ type: "login.team_selected", outcome: "success", userId: who.userId, ...info, data: { ...(teamId ? { teamId } : {}) } });
    return h.finish(ctx, { gatehouse: { teamId } }, true);
  }

  return { proceed, show, submit };
}

export type TeamStep = ReturnType<typeof createTeamSelectHandlers>;
