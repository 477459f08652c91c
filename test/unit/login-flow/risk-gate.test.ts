// The login engine's suspicious-login gate: allow (risk_evaluated written once, with the sign-in), hold and its
// waiting page (visit / poll while pending, approved, denied, expired, superseded), a password change or a
// disabled account while held, and the per-user limit on hold emails.
import { describe, it, expect } from "vitest";
import { AppError } from "../../../src/http/errors.ts";
import type { Outcome } from "../../../src/flows/login/types.ts";
import { barrier, createHarness, FIRED, TEAM_A, type Harness } from "./harness.ts";

const expired: Outcome = { kind: "refused", code: "login.expired" };

async function held(o: { interactionTtl?: number } = {}) {
  const h = await createHarness({ risk: true, ...o });
  const user = h.addUser("alice", { teams: [TEAM_A] });
  h.risk.fired = FIRED;
  const authAt = h.clock.now().getTime();
  expect(await h.password("alice")).toEqual({ kind: "continue", page: "hold" });
  return { h, user, authAt, holdId: h.risk.onlyHoldId };
}

const riskEvaluated = (h: Harness, userId: string, decision: "allow" | "hold") =>
  h.event("login.risk_evaluated", "success", userId, { decision, rules: decision === "hold" ? ["new_country"] : [] });
const waitingState = async (h: Harness) => {
  const raw = await h.redis.get(`flow:login:{${h.facts().uid}}`);
  return raw ? JSON.parse(raw) : null;
};

describe("login flow: risk gate", () => {
  it("off (no rules): not assessed, login.succeeded says nothing of risk", async () => {
    const h = await createHarness();
    const user = h.addUser("alice", { teams: [TEAM_A] });
    expect(await h.password("alice")).toEqual(h.done(user, { teamId: TEAM_A.id }));
    expect(h.risk.assessed).toEqual([]);
    expect(h.signIns.finished.map((s) => s.events)).toEqual([
      [h.event("login.succeeded", "success", user.id, { amr: ["pwd"], device: "off", teamId: TEAM_A.id })],
    ]);
  });

  it("allow: done, risk: allow in login.succeeded, risk_evaluated written once with the sign-in, an earlier hold ended", async () => {
    const h = await createHarness({ risk: true });
    const user = h.addUser("alice", { teams: [TEAM_A] });
    expect(await h.password("alice")).toEqual(h.done(user, { teamId: TEAM_A.id }));
    expect(h.audit.batches).toEqual([]);
    expect(h.signIns.finished).toEqual([
      {
        userId: user.id,
        at: h.clock.now(),
        location: await h.location(user.id),
        events: [
          riskEvaluated(h, user.id, "allow"),
          h.event("login.succeeded", "success", user.id, { amr: ["pwd"], risk: "allow", device: "off", teamId: TEAM_A.id }),
        ],
      },
    ]);
    expect(h.risk.endedEarlier).toEqual([h.facts().uid]);
    expect(h.risk.holdCalls).toEqual([]);
  });

  it("hold: the hold page, risk_evaluated written at once, the hold email spent per user, the login waits the hold's TTL", async () => {
    const { h, user, authAt, holdId } = await held();
    expect(h.audit.batches).toEqual([[riskEvaluated(h, user.id, "hold")]]);
    expect(h.risk.holdCalls).toEqual([{ userId: user.id, interactionUid: h.facts().uid, ttlSeconds: 900, rules: ["new_country"] }]);
    expect(h.limits.holdEmailsPerUser.consumed).toEqual([user.id]);
    expect(h.risk.endedEarlier).toEqual([]);
    expect(await waitingState(h)).toEqual({
      step: "gate",
      gate: "risk",
      who: { userId: user.id, amr: ["pwd"], remember: false, authAt, audit: { amr: ["pwd"] } },
      passed: [],
      data: { holdId },
      expiresAt: h.clock.epoch() + 900,
    });
    expect(h.signIns.finished).toEqual([]);
  });

  it("hold links never outlive the interaction (600 s left: hold and wait of 600 s)", async () => {
    const { h } = await held({ interactionTtl: 600 });
    expect(h.risk.holdCalls.map((c) => c.ttlSeconds)).toEqual([600]);
    expect((await waitingState(h)).expiresAt).toBe(h.clock.epoch() + 600);
  });

  it("pending: the page shows where the email went; poll says pending (also past 300 s)", async () => {
    const { h, holdId } = await held();
    h.clock.advance(600);
    expect(await h.engine.hold.visit(h.facts())).toEqual({
      kind: "waiting",
      view: { email: "alice@example.test", expiresAt: h.risk.holds.get(holdId)!.hold.expiresAt },
    });
    expect(await h.engine.hold.poll(h.facts())).toBe("pending");
    expect(h.signIns.finished).toEqual([]);
  });

  it("approved: poll says approved, the visit goes on and finishes (risk approved, the rules), risk_evaluated not written again", async () => {
    const { h, user, holdId } = await held();
    h.clock.advance(120);
    h.risk.decide(holdId, "approved");
    expect(await h.engine.hold.poll(h.facts())).toBe("approved");
    expect(await h.engine.hold.visit(h.facts())).toEqual(h.done(user, { teamId: TEAM_A.id }));
    expect(h.signIns.finished).toEqual([
      {
        userId: user.id,
        at: h.clock.now(),
        location: await h.location(user.id),
        events: [
          h.event("login.succeeded", "success", user.id, {
            amr: ["pwd"],
            risk: "approved",
            riskRules: ["new_country"],
            device: "off",
            teamId: TEAM_A.id,
          }),
        ],
      },
    ]);
    const all = [...h.audit.events, ...h.signIns.finished.flatMap((s) => s.events)];
    expect(all.filter((e) => e.type === "login.risk_evaluated")).toHaveLength(1);
    // the login is through: a second visit finds nothing to approve
    expect(await h.engine.hold.visit(h.facts())).toEqual(expired);
    expect(h.signIns.finished).toHaveLength(1);
  });

  it("denied: blocked, one login.failed hold_denied; a later visit finds the login gone", async () => {
    const { h, user, holdId } = await held();
    h.risk.decide(holdId, "denied");
    expect(await h.engine.hold.poll(h.facts())).toBe("denied");
    expect(await h.engine.hold.visit(h.facts())).toEqual({ kind: "blocked" });
    expect(h.audit.batches.slice(1)).toEqual([
      [h.event("login.failed", "failure", user.id, { reason: "hold_denied", holdId, rules: ["new_country"] })],
    ]);
    expect(await h.engine.hold.visit(h.facts())).toEqual(expired);
    expect(await h.engine.hold.poll(h.facts())).toBe("expired");
    expect(h.audit.events.filter((e) => e.type === "login.failed")).toHaveLength(1);
    expect(h.signIns.finished).toEqual([]);
  });

  it("denied, two visits at once: both blocked, login.failed hold_denied audited once", async () => {
    const { h, holdId } = await held();
    h.risk.decide(holdId, "denied");
    h.risk.wait = barrier(2);
    const outcomes = await Promise.all([h.engine.hold.visit(h.facts()), h.engine.hold.visit(h.facts())]);
    expect(outcomes).toEqual([{ kind: "blocked" }, { kind: "blocked" }]);
    expect(h.audit.events.filter((e) => e.type === "login.failed").map((e) => e.data)).toEqual([
      { reason: "hold_denied", holdId, rules: ["new_country"] },
    ]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("approved, two visits at once: one done, the other login.expired", async () => {
    const { h, user, holdId } = await held();
    h.risk.decide(holdId, "approved");
    h.risk.wait = barrier(2);
    const outcomes = await Promise.all([h.engine.hold.visit(h.facts()), h.engine.hold.visit(h.facts())]);
    expect(outcomes.filter((o) => o.kind === "done")).toEqual([h.done(user, { teamId: TEAM_A.id })]);
    expect(outcomes.filter((o) => o.kind !== "done")).toEqual([expired]);
    expect(h.signIns.finished).toHaveLength(1);
  });

  for (const status of ["expired", "superseded"] as const) {
    it(`${status} hold: poll says expired, the visit is login.expired and the login dropped`, async () => {
      const { h, holdId } = await held();
      h.risk.decide(holdId, status);
      expect(await h.engine.hold.poll(h.facts())).toBe("expired");
      expect(await h.redis.keys("*")).toEqual([]);
      expect(await h.engine.hold.visit(h.facts())).toEqual(expired);
      expect(h.signIns.finished).toEqual([]);
    });
  }

  it("a hold past its expiry time (status lookup says expired): login.expired", async () => {
    const { h, holdId } = await held();
    const hold = h.risk.holds.get(holdId)!;
    h.risk.holds.set(holdId, { ...hold, hold: { ...hold.hold, expiresAt: h.clock.epoch() + 10 } });
    h.clock.advance(10);
    expect(await h.engine.hold.visit(h.facts())).toEqual(expired);
    expect(await h.redis.keys("*")).toEqual([]);
  });

  it("a hold gone, or one of another interaction or user: login.expired", async () => {
    for (const change of ["gone", "interaction", "user"] as const) {
      const { h, holdId } = await held();
      const found = h.risk.holds.get(holdId)!;
      if (change === "gone") h.risk.holds.delete(holdId);
      if (change === "interaction")
        h.risk.holds.set(holdId, { status: "approved", hold: { ...found.hold, interactionUid: "someone-else" } });
      if (change === "user") h.risk.holds.set(holdId, { status: "approved", hold: { ...found.hold, userId: "another-user" } });
      expect({ change, outcome: await h.engine.hold.visit(h.facts()) }).toEqual({ change, outcome: expired });
      expect(h.signIns.finished).toEqual([]);
    }
  });

  it("password changed while held (after the login checked it): approval ends in login.expired", async () => {
    const { h, user, authAt, holdId } = await held();
    h.clock.advance(60);
    h.accounts.changePassword(user.id, new Date(authAt + 30_000));
    h.risk.decide(holdId, "approved");
    expect(await h.engine.hold.visit(h.facts())).toEqual(expired);
    expect(await h.redis.keys("*")).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("a password change from before the login does not matter", async () => {
    const { h, user, authAt, holdId } = await held();
    h.accounts.changePassword(user.id, new Date(authAt - 1));
    h.risk.decide(holdId, "approved");
    expect(await h.engine.hold.visit(h.facts())).toEqual(h.done(user, { teamId: TEAM_A.id }));
  });

  it("account disabled while held: the pending page and the approval are login.expired", async () => {
    const pending = await held();
    pending.h.accounts.disable(pending.user.id);
    expect(await pending.h.engine.hold.visit(pending.h.facts())).toEqual(expired);
    expect(await pending.h.redis.keys("*")).toEqual([]);

    const approved = await held();
    approved.h.accounts.disable(approved.user.id);
    approved.h.risk.decide(approved.holdId, "approved");
    expect(await approved.h.engine.hold.visit(approved.h.facts())).toEqual(expired);
    expect(approved.h.signIns.finished).toEqual([]);
  });

  it("over the per-user limit of hold emails: the limit's error propagates, nothing waits, nothing is signed in", async () => {
    const h = await createHarness({ risk: true });
    const user = h.addUser("alice", { teams: [TEAM_A] });
    h.risk.fired = FIRED;
    const limited = new AppError("rate_limited", 429, "Too many emails. Please wait 60 seconds and try again.", { retryAfter: 60 });
    h.limits.holdEmailsPerUser.error = limited;
    await expect(h.password("alice")).rejects.toBe(limited);
    expect(h.risk.holds.size).toBe(0);
    expect(await h.redis.keys("*")).toEqual([]);
    expect(h.audit.batches).toEqual([[riskEvaluated(h, user.id, "hold")]]);
    expect(h.signIns.finished).toEqual([]);
  });
});
