// The login engine's team step: one team / no team / the account client finish at once, several teams or a
// requested team the user is not in wait at the team page, a pick (theirs, not theirs, none), a requested team
// they are in, expiry, parallel picks, a password change or disabled account at the page, and forSession.
import { describe, it, expect } from "vitest";
import type { Outcome } from "../../../src/flows/login/types.ts";
import { createHarness, TEAM_A, TEAM_B, TEAM_C, type FakeTeam } from "./harness.ts";

const expired: Outcome = { kind: "refused", code: "login.expired" };
const option = (t: FakeTeam, role = "member") => ({ id: t.id, name: t.name, slug: t.slug, role });

async function atTeamPage(o: { requestedTeam?: string; teams?: FakeTeam[] } = {}) {
  const h = await createHarness();
  const user = h.addUser("tess", { teams: o.teams ?? [TEAM_A, TEAM_B] });
  const facts = h.facts(o.requestedTeam ? { requestedTeam: o.requestedTeam } : {});
  expect(
    await h.engine.firstFactor(facts, { method: "password", identifier: "tess", password: "correct horse battery", remember: false }),
  ).toEqual({ kind: "continue", page: "team" });
  return { h, user, facts };
}

describe("login flow: team step", () => {
  it("one team: done with it; no teams: done with null", async () => {
    const h = await createHarness();
    const one = h.addUser("one", { teams: [TEAM_C] });
    const none = h.addUser("none");
    expect(await h.password("one")).toEqual(h.done(one, { teamId: TEAM_C.id }));
    expect(await h.password("none", { facts: { uid: "other" } })).toEqual(h.done(none, { teamId: null }));
    expect(h.signIns.finished.map((s) => s.events.at(-1)!.data)).toEqual([
      { amr: ["pwd"], device: "off", teamId: TEAM_C.id },
      { amr: ["pwd"], device: "off" },
    ]);
  });

  it("the account client: no team asked, memberships not read (even with a requested team)", async () => {
    const h = await createHarness();
    const user = h.addUser("tess", { teams: [TEAM_A, TEAM_B] });
    expect(await h.password("tess", { facts: { accountClient: true, requestedTeam: "beta" } })).toEqual(h.done(user, { teamId: null }));
    expect(h.teams.calls).toEqual([]);
  });

  it("several teams: the team page with the user's teams, nothing written yet", async () => {
    const { h, user, facts } = await atTeamPage();
    expect(await h.engine.team.show(facts)).toEqual({ kind: "page", userId: user.id, teams: [option(TEAM_A), option(TEAM_B)] });
    expect(h.audit.batches).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("choose one of theirs: done with that teamId (in login.succeeded too)", async () => {
    const { h, user, facts } = await atTeamPage();
    h.clock.advance(30);
    expect(await h.engine.team.choose(facts, TEAM_B.id)).toEqual(h.done(user, { teamId: TEAM_B.id }));
    expect(h.signIns.finished).toEqual([
      {
        userId: user.id,
        at: h.clock.now(),
        location: await h.location(user.id),
        events: [h.event("login.succeeded", "success", user.id, { amr: ["pwd"], device: "off", teamId: TEAM_B.id })],
      },
    ]);
    expect(await h.engine.team.show(facts)).toEqual(expired);
  });

  it("choose a team not theirs, none, or nothing: the page again with login.team_required; the login still waits", async () => {
    const { h, user, facts } = await atTeamPage();
    const refusedPage = {
      kind: "page",
      userId: user.id,
      teams: [option(TEAM_A), option(TEAM_B)],
      refusal: { code: "login.team_required" },
    };
    expect(await h.engine.team.choose(facts, TEAM_C.id)).toEqual(refusedPage);
    expect(await h.engine.team.choose(facts, "")).toEqual(refusedPage);
    expect(await h.engine.team.choose(facts, undefined)).toEqual(refusedPage);
    expect(h.signIns.finished).toEqual([]);
    expect(await h.engine.team.choose(facts, TEAM_A.id)).toEqual(h.done(user, { teamId: TEAM_A.id }));
  });

  it("a requested team the user is not in: the team page (saying which was asked), never another team silently", async () => {
    const { h, user, facts } = await atTeamPage({ requestedTeam: "gamma", teams: [TEAM_A] });
    expect(await h.engine.team.show(facts)).toEqual({ kind: "page", userId: user.id, teams: [option(TEAM_A)], requested: "gamma" });
    expect(await h.engine.team.choose(facts, TEAM_C.id)).toEqual({
      kind: "page",
      userId: user.id,
      teams: [option(TEAM_A)],
      requested: "gamma",
      refusal: { code: "login.team_required" },
    });
    expect(await h.engine.team.choose(facts, TEAM_A.id)).toEqual(h.done(user, { teamId: TEAM_A.id }));
  });

  it('a requested team for a user without teams: the page, and "" goes on without a team', async () => {
    const { h, user, facts } = await atTeamPage({ requestedTeam: "gamma", teams: [] });
    expect(await h.engine.team.show(facts)).toEqual({ kind: "page", userId: user.id, teams: [], requested: "gamma" });
    expect(await h.engine.team.choose(facts, "")).toEqual(h.done(user, { teamId: null }));
  });

  it("a requested team the user is in (by slug or by id): done with it, no page", async () => {
    const h = await createHarness();
    const user = h.addUser("tess", { teams: [TEAM_A, TEAM_B] });
    expect(await h.password("tess", { facts: { requestedTeam: "beta" } })).toEqual(h.done(user, { teamId: TEAM_B.id }));
    expect(await h.password("tess", { facts: { uid: "by-id", requestedTeam: TEAM_A.id.toUpperCase() } })).toEqual(
      h.done(user, { teamId: TEAM_A.id }),
    );
  });

  it("the team page expires after 300 s: login.expired", async () => {
    const { h, facts } = await atTeamPage();
    h.clock.advance(300);
    expect(await h.engine.team.show(facts)).toEqual(expired);
    expect(await h.engine.team.choose(facts, TEAM_A.id)).toEqual(expired);
    expect(h.signIns.finished).toEqual([]);
  });

  it("two picks at once: one done, the other login.expired, one sign-in", async () => {
    const { h, user, facts } = await atTeamPage();
    const outcomes = await Promise.all([h.engine.team.choose(facts, TEAM_A.id), h.engine.team.choose(facts, TEAM_B.id)]);
    expect(outcomes.filter((o) => o.kind === "done")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind !== "done")).toEqual([expired]);
    expect(h.signIns.finished).toHaveLength(1);
    expect(h.signIns.finished[0]!.userId).toBe(user.id);
  });

  it("password changed or account disabled while at the team page: login.expired, nothing written", async () => {
    const changed = await atTeamPage();
    changed.h.clock.advance(10);
    changed.h.accounts.changePassword(changed.user.id, changed.h.clock.now());
    expect(await changed.h.engine.team.choose(changed.facts, TEAM_A.id)).toEqual(expired);
    expect(changed.h.signIns.finished).toEqual([]);

    const disabled = await atTeamPage();
    disabled.h.accounts.disable(disabled.user.id);
    expect(await disabled.h.engine.team.choose(disabled.facts, TEAM_A.id)).toEqual(expired);
    expect(disabled.h.signIns.finished).toEqual([]);
  });

  it("forSession (a live session's team prompt): the page, a refusal, and a pick audited as login.team_selected", async () => {
    const h = await createHarness();
    const user = h.addUser("tess", { teams: [TEAM_A, TEAM_B] });
    const trail = h.engine.trailOf(h.facts());
    expect(await h.engine.team.forSession.show(user.id, "gamma")).toEqual({
      kind: "page",
      userId: user.id,
      teams: [option(TEAM_A), option(TEAM_B)],
      requested: "gamma",
    });
    expect(await h.engine.team.forSession.choose(user.id, undefined, TEAM_C.id, trail)).toEqual({
      kind: "page",
      userId: user.id,
      teams: [option(TEAM_A), option(TEAM_B)],
      refusal: { code: "login.team_required" },
    });
    expect(h.audit.batches).toEqual([]);
    expect(await h.engine.team.forSession.choose(user.id, undefined, TEAM_B.id, trail)).toEqual({ kind: "team", teamId: TEAM_B.id });
    expect(h.audit.batches).toEqual([[h.event("login.team_selected", "success", user.id, { teamId: TEAM_B.id })]]);
    expect(h.signIns.finished).toEqual([]);
  });
});
