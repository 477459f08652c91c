// The login engine's single-session gate: off, no other session (this browser's own does not count), the page
// listing the others, "replace" (the others revoked only once the sign-in finishes, after the team step too)
// and "cancel" (cancelled, audited, nothing revoked), with parallel and stale requests.
import { describe, it, expect } from "vitest";
import type { Outcome } from "../../../src/flows/login/types.ts";
import { createHarness, TEAM_A, TEAM_B } from "./harness.ts";

const expired: Outcome = { kind: "refused", code: "login.expired" };
const request = { ip: "203.0.113.5", userAgent: "Mozilla/5.0 (test)", clientId: "app" };

async function atPage(teams = [TEAM_A]) {
  const h = await createHarness({ singleSession: true });
  const user = h.addUser("sam", { teams });
  const own = h.sessions.add(user.id, "s-this-browser");
  const others = [h.sessions.add(user.id, "s-other-1"), h.sessions.add(user.id, "s-other-2")];
  const facts = h.facts({ browserSessionUid: own.id });
  expect(
    await h.engine.firstFactor(facts, { method: "password", identifier: "sam", password: "correct horse battery", remember: false }),
  ).toEqual({ kind: "continue", page: "single-session" });
  return { h, user, facts, own, others };
}

describe("login flow: single-session gate", () => {
  it("off: the user's sessions are not even listed", async () => {
    const h = await createHarness({ singleSession: false });
    const user = h.addUser("sam", { teams: [TEAM_A] });
    h.sessions.add(user.id, "s-other-1");
    expect(await h.password("sam")).toEqual(h.done(user, { teamId: TEAM_A.id }));
    expect(h.sessions.listCalls).toBe(0);
    expect(h.signIns.finished[0]!.events.at(-1)!.data).toEqual({ amr: ["pwd"], device: "off", teamId: TEAM_A.id });
  });

  it("no other session (this browser's own does not count): passes, singleSession: none", async () => {
    const h = await createHarness({ singleSession: true });
    const user = h.addUser("sam", { teams: [TEAM_A] });
    h.sessions.add(user.id, "s-this-browser");
    expect(await h.password("sam", { facts: { browserSessionUid: "s-this-browser" } })).toEqual(h.done(user, { teamId: TEAM_A.id }));
    expect(h.signIns.finished[0]!.events.at(-1)!.data).toEqual({ amr: ["pwd"], device: "off", singleSession: "none", teamId: TEAM_A.id });
    expect(h.sessions.revoked).toEqual([]);
  });

  it("other sessions: the page lists them (not this browser's), nothing revoked yet", async () => {
    const { h, facts, others } = await atPage();
    expect(await h.engine.singleSession.show(facts)).toEqual({ kind: "page", sessions: others });
    expect(h.sessions.revoked).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
    expect(h.audit.batches).toEqual([]);
  });

  it("replace: done, the other sessions revoked at finish, login.succeeded says which and how long the choice took", async () => {
    const { h, user, facts } = await atPage();
    h.clock.advance(5);
    expect(await h.engine.singleSession.replace(facts)).toEqual(h.done(user, { teamId: TEAM_A.id }));
    expect(h.sessions.revoked).toEqual(
      ["s-other-1", "s-other-2"].map((sessionId) => ({
        userId: user.id,
        sessionId,
        opts: { reason: "single_session", actorId: user.id, request },
      })),
    );
    expect(h.signIns.finished).toEqual([
      {
        userId: user.id,
        at: h.clock.now(),
        location: await h.location(user.id),
        events: [
          h.event("login.succeeded", "success", user.id, {
            amr: ["pwd"],
            device: "off",
            singleSession: "replaced",
            replacedSessions: ["s-other-1", "s-other-2"],
            singleSessionDecisionMs: "5000",
            teamId: TEAM_A.id,
          }),
        ],
      },
    ]);
  });

  it("replace with a team still to pick: nothing revoked until the team step finishes", async () => {
    const { h, user, facts } = await atPage([TEAM_A, TEAM_B]);
    expect(await h.engine.singleSession.replace(facts)).toEqual({ kind: "continue", page: "team" });
    expect(h.sessions.revoked).toEqual([]);
    expect(await h.engine.team.choose(facts, TEAM_B.id)).toEqual(h.done(user, { teamId: TEAM_B.id }));
    expect(h.sessions.revoked.map((r) => r.sessionId)).toEqual(["s-other-1", "s-other-2"]);
  });

  it("replace, then the login abandoned at the team page: the other sessions live on", async () => {
    const { h, facts } = await atPage([TEAM_A, TEAM_B]);
    await h.engine.singleSession.replace(facts);
    h.clock.advance(301);
    expect(await h.engine.team.choose(facts, TEAM_A.id)).toEqual(expired);
    expect(h.sessions.revoked).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("cancel: cancelled, session.single_session_cancelled audited, nothing revoked, the login ended", async () => {
    const { h, user, facts } = await atPage();
    h.clock.advance(7);
    expect(await h.engine.singleSession.cancel(facts)).toEqual({
      kind: "cancelled",
      description: "The sign-in was cancelled: the account is signed in elsewhere.",
    });
    expect(h.audit.batches).toEqual([
      [
        h.event("session.single_session_cancelled", "failure", user.id, {
          decision: "cancel",
          otherSessions: ["s-other-1", "s-other-2"],
          latencyMs: 7000,
        }),
      ],
    ]);
    expect(h.sessions.revoked).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
    expect(await h.redis.keys("*")).toEqual([]);
    expect(await h.engine.singleSession.replace(facts)).toEqual(expired);
    expect(await h.engine.singleSession.cancel(facts)).toEqual(expired);
  });

  it("two replaces at once: one done, the other login.expired; revoked once", async () => {
    const { h, user, facts } = await atPage();
    const outcomes = await Promise.all([h.engine.singleSession.replace(facts), h.engine.singleSession.replace(facts)]);
    expect(outcomes.filter((o) => o.kind === "done")).toEqual([h.done(user, { teamId: TEAM_A.id })]);
    expect(outcomes.filter((o) => o.kind !== "done")).toEqual([expired]);
    expect(h.sessions.revoked).toHaveLength(2);
    expect(h.signIns.finished).toHaveLength(1);
  });

  it("password changed while the page was open: replace is login.expired, nothing revoked", async () => {
    const { h, user, facts } = await atPage();
    h.clock.advance(30);
    h.accounts.changePassword(user.id, h.clock.now());
    expect(await h.engine.singleSession.replace(facts)).toEqual(expired);
    expect(h.sessions.revoked).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("no login waiting (or past 300 s): show, replace and cancel are login.expired", async () => {
    const { h, facts } = await atPage();
    h.clock.advance(300);
    expect(await h.engine.singleSession.show(facts)).toEqual(expired);
    expect(await h.engine.singleSession.replace(facts)).toEqual(expired);
    expect(await h.engine.singleSession.cancel(facts)).toEqual(expired);
    expect(h.audit.batches).toEqual([]);
    expect(h.sessions.revoked).toEqual([]);
  });
});
