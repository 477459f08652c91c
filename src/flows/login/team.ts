// The team step, after every factor and gate: the team the relying party named (when the user is a member),
// else the only team, else none for a user without teams; a user with several teams and nothing to go by, or
// named a team they are not in, picks on the team page (never another team silently). The live-session "team"
// prompt of oidc-provider (a signed-in user, a new authorization) uses the same page through `forSession`.
import type { TeamService } from "../../services/teams.ts";
import { chooseTeam } from "../../services/team-choice.ts";
import type { Finish } from "./finish.ts";
import type { GateRunner } from "./gates.ts";
import type { LoginStore } from "./store.ts";
import type { Trail } from "./trail.ts";
import { refused, type Facts, type Outcome, type Refusal, type SignedIn, type TeamState } from "./types.ts";

export type TeamOption = { id: string; name: string; slug: string; role: string };
export type TeamPage = { kind: "page"; userId: string; teams: TeamOption[]; requested?: string; refusal?: Refusal };

export function createTeamStep(deps: {
  store: LoginStore;
  teams: Pick<TeamService, "membershipsOf">;
  finish: Finish;
  stillValid: GateRunner["stillValid"];
}) {
  const { store, teams, finish } = deps;
  const options = async (userId: string): Promise<TeamOption[]> =>
    (await teams.membershipsOf(userId)).map((m) => ({ id: m.team.id, name: m.team.name, slug: m.team.slug, role: m.role.name }));

  /** the team a pick names among the user's (null: "go on without a team", only for a user who has none) */
  function picked(options: TeamOption[], pick: string | undefined): { teamId: string | null } | null {
    const member = options.find((t) => t.id === pick);
    if (member) return { teamId: member.id };
    return pick === "" && options.length === 0 ? { teamId: null } : null;
  }

  async function waiting(uid: string): Promise<TeamState | null> {
    const state = await store.current(uid);
    return state?.step === "team" ? state : null;
  }

  return {
    /** after the last gate: finish, or first ask for the team when it is not clear which one is meant */
    async proceed(facts: Facts, who: SignedIn, trail: Trail): Promise<Outcome> {
      if (facts.accountClient) return finish(facts, who, null, trail);
      const choice = chooseTeam(await teams.membershipsOf(who.userId), facts.requestedTeam);
      if (choice.kind === "use") return finish(facts, who, choice.teamId, trail);
      await store.save<TeamState>(facts.uid, facts.interactionExp, {
        step: "team",
        who,
        ...(facts.requestedTeam ? { requested: facts.requestedTeam } : {}),
      });
      await trail.flush();
      return { kind: "continue", page: "team" };
    },

    /** the team page of a waiting login */
    async show(facts: Facts, refusal?: Refusal): Promise<TeamPage | Outcome> {
      const state = await waiting(facts.uid);
      if (!state) return refused("login.expired");
      return {
        kind: "page",
        userId: state.who.userId,
        teams: await options(state.who.userId),
        ...(state.requested ? { requested: state.requested } : {}),
        ...(refusal ? { refusal } : {}),
      };
    },

    /** the user picked (`pick`: a team id, "" for none, undefined for nothing sent) */
    async choose(facts: Facts, pick: string | undefined, trail: Trail): Promise<TeamPage | Outcome> {
      const state = await waiting(facts.uid);
      if (!state) return refused("login.expired");
      const mine = await options(state.who.userId);
      const choice = picked(mine, pick);
      if (!choice)
        return {
          kind: "page",
          userId: state.who.userId,
          teams: mine,
          ...(state.requested ? { requested: state.requested } : {}),
          refusal: { code: "login.team_required" },
        };
      if (!(await store.take(facts.uid))) return refused("login.expired");
      // the last check before the session is made: the login may have waited here for minutes
      if (!(await deps.stillValid(state.who))) return refused("login.expired");
      return finish(facts, state.who, choice.teamId, trail);
    },

    /** the live-session team prompt: the page, and the pick (audited as login.team_selected) */
    forSession: {
      show: async (userId: string, requested: string | undefined, refusal?: Refusal): Promise<TeamPage> => ({
        kind: "page",
        userId,
        teams: await options(userId),
        ...(requested ? { requested } : {}),
        ...(refusal ? { refusal } : {}),
      }),
      async choose(
        userId: string,
        requested: string | undefined,
        pick: string | undefined,
        trail: Trail,
      ): Promise<TeamPage | { kind: "team"; teamId: string | null }> {
        const mine = await options(userId);
        const choice = picked(mine, pick);
        if (!choice)
          return { kind: "page", userId, teams: mine, ...(requested ? { requested } : {}), refusal: { code: "login.team_required" } };
        trail.add({
          type: "login.team_selected",
          outcome: "success",
          userId,
          data: { ...(choice.teamId ? { teamId: choice.teamId } : {}) },
        });
        await trail.flush();
        return { kind: "team", teamId: choice.teamId };
      },
    },
  };
}

export type TeamStep = ReturnType<typeof createTeamStep>;
