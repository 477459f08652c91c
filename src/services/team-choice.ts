// Which team a sign-in speaks for: pure rules shared by the login flow's team step and the grant's team
// (oidc/team-claims.ts).
import { UUID } from "../lib/ids.ts";
import { TEAM_SLUG } from "./teams.ts";

/** the part of a membership the choice needs */
export type TeamOption = { team: { id: string; slug: string } };

export type TeamChoice =
  | { kind: "use"; teamId: string | null }
  /** the user must pick: several teams and none named, or the named team is not one of theirs */
  | { kind: "ask"; reason: "choose" | "not_member"; requested?: string };

/** a `team` parameter is a team's slug or id; anything else is refused before it reaches a page */
export const isTeamParam = (value: string) => UUID.test(value) || TEAM_SLUG.test(value.toLowerCase());

/** the membership a `team` parameter names, if the user has it */
export function findRequested<T extends TeamOption>(memberships: T[], requested: string): T | undefined {
  const wanted = requested.toLowerCase();
  return memberships.find((m) => m.team.id.toLowerCase() === wanted || m.team.slug === wanted);
}

/**
 * The team for a sign-in: the one the relying party named (if the user is a member; never another one
 * silently), else the grant's current team while the user still has it, else the only team, else none for a
 * user without teams; several teams and nothing to go by means asking.
 */
export function chooseTeam(memberships: TeamOption[], requested: string | undefined, current: string | null = null): TeamChoice {
  if (requested) {
    const named = findRequested(memberships, requested);
    return named ? { kind: "use", teamId: named.team.id } : { kind: "ask", reason: "not_member", requested };
  }
  if (current && memberships.some((m) => m.team.id === current)) return { kind: "use", teamId: current };
  if (memberships.length === 0) return { kind: "use", teamId: null };
  if (memberships.length === 1) return { kind: "use", teamId: memberships[0]!.team.id };
  return { kind: "ask", reason: "choose" };
}
