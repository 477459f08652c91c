// The login engine's first factor (password): straight to done without a second factor, every refusal with its
// login.failed reason, busy hashing pool, and a new first factor ending whatever waited in the interaction.
import { describe, it, expect } from "vitest";
import { createHarness, PASSWORD, TEAM_A, TEAM_B, TOTP_CODE } from "./harness.ts";

describe("login flow: first factor", () => {
  it("right password, no second factor, one team: done at once, written in one sign-in", async () => {
    const h = await createHarness();
    const alice = h.addUser("alice", { teams: [TEAM_A] });
    expect(await h.password("alice")).toEqual(h.done(alice, { teamId: TEAM_A.id }));
    expect(h.signIns.finished).toEqual([
      {
        userId: alice.id,
        at: h.clock.now(),
        location: await h.location(alice.id),
        events: [h.event("login.succeeded", "success", alice.id, { amr: ["pwd"], device: "off", teamId: TEAM_A.id })],
      },
    ]);
    expect(h.audit.batches).toEqual([]);
    expect(h.accounts.signInCalls).toEqual([
      { identifier: "alice", request: { ip: "203.0.113.5", userAgent: "Mozilla/5.0 (test)", clientId: "app" } },
    ]);
  });

  it("no team: done with teamId null (login.succeeded names no team)", async () => {
    const h = await createHarness();
    const bob = h.addUser("bob");
    expect(await h.password("bob@example.test", { remember: true })).toEqual(h.done(bob, { teamId: null, remember: true }));
    expect(h.signIns.finished.map((s) => s.events)).toEqual([
      [h.event("login.succeeded", "success", bob.id, { amr: ["pwd"], device: "off" })],
    ]);
  });

  it("the account client never asks for a team, even with several", async () => {
    const h = await createHarness();
    const carol = h.addUser("carol", { teams: [TEAM_A, TEAM_B] });
    expect(await h.password("carol", { facts: { accountClient: true } })).toEqual(h.done(carol, { teamId: null }));
    expect(h.teams.calls).toEqual([]);
    expect(h.signIns.finished).toHaveLength(1);
  });

  it("right password with TOTP enrolled: waits at the code page, login.second_factor_required audited", async () => {
    const h = await createHarness();
    const dave = h.addUser("dave", { totp: true });
    expect(await h.password("dave")).toEqual({ kind: "continue", page: "totp" });
    expect(h.audit.batches).toEqual([[h.event("login.second_factor_required", "success", dave.id, { method: "totp" })]]);
    expect(await h.engine.secondFactor.waiting(h.facts())).toEqual({
      step: "second_factor",
      userId: dave.id,
      remember: false,
      authAt: h.clock.now().getTime(),
      amr: ["pwd"],
      expiresAt: h.clock.epoch() + 300,
    });
    expect(h.accounts.completed).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  const invalid = [
    { name: "wrong password", identifier: "erin", password: "wrong", reason: "wrong_password", known: true, counted: true },
    { name: "unknown user", identifier: "nobody", password: PASSWORD, reason: "unknown", known: false, counted: false },
    {
      name: "locked account (right password)",
      identifier: "erin",
      password: PASSWORD,
      reason: "locked",
      known: true,
      counted: false,
      lock: true,
    },
    {
      name: "disabled account (right password)",
      identifier: "erin",
      password: PASSWORD,
      reason: "disabled",
      known: true,
      counted: false,
      disable: true,
    },
  ];
  for (const c of invalid) {
    it(`${c.name}: login.invalid_credentials, login.failed reason ${c.reason}, nothing signed in`, async () => {
      const h = await createHarness();
      const erin = h.addUser("erin", { teams: [TEAM_A] });
      if (c.lock) h.accounts.locked.add(erin.id);
      if (c.disable) h.accounts.disable(erin.id);
      expect(await h.password(c.identifier, { password: c.password })).toEqual({ kind: "refused", code: "login.invalid_credentials" });
      expect(h.audit.batches).toEqual([[h.event("login.failed", "failure", c.known ? erin.id : null, { reason: c.reason })]]);
      expect(h.accounts.failures.map((f) => f.userId)).toEqual(c.counted ? [erin.id] : []);
      expect(h.signIns.finished).toEqual([]);
      expect(await h.redis.keys("*")).toEqual([]);
    });
  }

  it("an account without a password: login.invalid_credentials, reason no_password", async () => {
    const h = await createHarness();
    const fay = h.addUser("fay");
    h.accounts.outcomes.set("fay", { outcome: "invalid", userId: fay.id, reason: "no_password" });
    expect(await h.password("fay")).toEqual({ kind: "refused", code: "login.invalid_credentials" });
    expect(h.audit.events).toEqual([h.event("login.failed", "failure", fay.id, { reason: "no_password" })]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("unverified address (right password): login.unverified with the account's address (for the resend form), reason email_unverified", async () => {
    const h = await createHarness();
    const gus = h.addUser("gus", { over: { emailVerified: false, emailVerifiedAt: null } });
    expect(await h.password("gus")).toEqual({ kind: "refused", code: "login.unverified", email: gus.email });
    expect(h.audit.batches).toEqual([[h.event("login.failed", "failure", gus.id, { reason: "email_unverified" })]]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("hashing pool full: login.busy with retryAfter, the password is not even checked", async () => {
    const h = await createHarness();
    h.addUser("hal");
    h.passwords.busy = true;
    expect(await h.password("hal")).toEqual({ kind: "refused", code: "login.busy", retryAfter: 2 });
    expect(h.accounts.signInCalls).toEqual([]);
    expect(h.audit.batches).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("a new first factor ends the login that waited for its second factor", async () => {
    const h = await createHarness();
    h.addUser("ivy", { totp: true });
    expect(await h.password("ivy")).toEqual({ kind: "continue", page: "totp" });
    expect(await h.password("ivy", { password: "wrong" })).toEqual({ kind: "refused", code: "login.invalid_credentials" });
    expect(await h.engine.secondFactor.waiting(h.facts())).toBeNull();
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual({
      kind: "refused",
      code: "login.expired",
    });
    expect(h.totp.calls).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
    expect(h.accounts.completed).toEqual([]);
  });
});
