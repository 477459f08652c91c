// The team a sign-in speaks for (services/team-choice.ts): the requested team when the user is a member (by id or
// slug, any case), never another one silently; else the grant's current team while the user still has it; else
// the only team; none for a user without teams; several and nothing to go by means asking.
import { describe, it, expect } from "vitest";
import { chooseTeam, isTeamParam } from "../../src/services/team-choice.ts";

const A = { team: { id: "11111111-1111-4111-8111-111111111111", slug: "alpha" } };
const B = { team: { id: "22222222-2222-4222-8222-222222222222", slug: "beta" } };

describe("chooseTeam", () => {
  it("uses the requested team of a member, by slug or id in any case; a team not theirs is asked about, never replaced", () => {
    expect(chooseTeam([A, B], "beta")).toEqual({ kind: "use", teamId: B.team.id });
    expect(chooseTeam([A, B], "BETA")).toEqual({ kind: "use", teamId: B.team.id });
    expect(chooseTeam([A, B], A.team.id.toUpperCase())).toEqual({ kind: "use", teamId: A.team.id });
    expect(chooseTeam([A], "beta", A.team.id)).toEqual({ kind: "ask", reason: "not_member", requested: "beta" });
  });

  it("keeps the grant's current team while the user has it; else the only team; none without teams; asks among several", () => {
    expect(chooseTeam([A, B], undefined, B.team.id)).toEqual({ kind: "use", teamId: B.team.id });
    expect(chooseTeam([A], undefined, B.team.id)).toEqual({ kind: "use", teamId: A.team.id });
    expect(chooseTeam([], undefined)).toEqual({ kind: "use", teamId: null });
    expect(chooseTeam([A, B], undefined, "33333333-3333-4333-8333-333333333333")).toEqual({ kind: "ask", reason: "choose" });
  });

  it("a team parameter is a slug or a UUID", () => {
    expect(isTeamParam("alpha-team")).toBe(true);
    expect(isTeamParam(A.team.id)).toBe(true);
    expect(isTeamParam("not a slug!")).toBe(false);
  });
});
