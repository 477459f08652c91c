// The login engine's second factor (TOTP and backup codes): right code -> done, wrong / replayed / unknown
// method / locked (without looking at the code) -> login.invalid_code, the 5-minute expiry, a disabled account,
// and two parallel right codes of which only one signs in.
import { describe, it, expect } from "vitest";
import { BACKUP_CODES, barrier, createHarness, TEAM_A, TOTP_CODE } from "./harness.ts";

const invalidCode = { kind: "refused", code: "login.invalid_code" };
const expired = { kind: "refused", code: "login.expired" };

async function atCodePage(o: { interactionTtl?: number } = {}) {
  const h = await createHarness(o);
  const user = h.addUser("dana", { totp: true, teams: [TEAM_A] });
  expect(await h.password("dana")).toEqual({ kind: "continue", page: "totp" });
  return { h, user };
}

describe("login flow: second factor", () => {
  it("password -> right TOTP code -> done (amr pwd+otp), lockout reset, one sign-in written", async () => {
    const { h, user } = await atCodePage();
    h.clock.advance(20);
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual(
      h.done(user, { amr: ["pwd", "otp"], teamId: TEAM_A.id }),
    );
    expect(h.accounts.completed).toEqual([user.id]);
    expect(h.accounts.failures).toEqual([]);
    expect(h.audit.batches).toEqual([[h.event("login.second_factor_required", "success", user.id, { method: "totp" })]]);
    expect(h.signIns.finished).toEqual([
      {
        userId: user.id,
        at: h.clock.now(),
        location: await h.location(user.id),
        events: [h.event("login.succeeded", "success", user.id, { amr: ["pwd", "otp"], method: "totp", device: "off", teamId: TEAM_A.id })],
      },
    ]);
    expect(await h.engine.secondFactor.waiting(h.facts())).toBeNull();
  });

  it("a password reset while the code page waits ends that login: even the right code is login.expired, nothing written", async () => {
    const { h, user } = await atCodePage();
    h.clock.advance(30);
    h.accounts.changePassword(user.id, h.clock.now());
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual(expired);
    expect(await h.engine.secondFactor.waiting(h.facts())).toBeNull();
    expect(h.accounts.completed).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("a backup code -> done, two_factor.backup_code_used (remaining) written with the sign-in", async () => {
    const { h, user } = await atCodePage();
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "backup", code: BACKUP_CODES[0] })).toEqual(
      h.done(user, { amr: ["pwd", "otp"], teamId: TEAM_A.id }),
    );
    expect(h.signIns.finished.map((s) => s.events)).toEqual([
      [
        h.event("two_factor.backup_code_used", "success", user.id, { remaining: 2 }),
        h.event("login.succeeded", "success", user.id, { amr: ["pwd", "otp"], method: "backup", device: "off", teamId: TEAM_A.id }),
      ],
    ]);
  });

  it("wrong code: login.invalid_code, the failure counted (factor code) and audited; the login still waits", async () => {
    const { h, user } = await atCodePage();
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: "000000" })).toEqual(invalidCode);
    expect(h.accounts.failures).toEqual([
      { userId: user.id, factor: "code", request: { ip: "203.0.113.5", userAgent: "Mozilla/5.0 (test)", clientId: "app" } },
    ]);
    expect(h.audit.batches.slice(1)).toEqual([
      [h.event("login.second_factor_failed", "failure", user.id, { reason: "wrong_code", method: "totp" })],
    ]);
    expect(h.signIns.finished).toEqual([]);
    expect(h.accounts.completed).toEqual([]);
    // the right code afterwards still signs in
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual(
      h.done(user, { amr: ["pwd", "otp"], teamId: TEAM_A.id }),
    );
  });

  it("a replayed code (already used by an earlier sign-in) is refused as a wrong code", async () => {
    const { h, user } = await atCodePage();
    expect((await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).kind).toBe("done");
    const second = h.facts({ uid: "second-interaction" });
    expect(await h.password("dana", { facts: second })).toEqual({ kind: "continue", page: "totp" });
    expect(await h.engine.secondFactor.submit(second, { method: "totp", code: TOTP_CODE })).toEqual(invalidCode);
    expect(await h.engine.secondFactor.submit(second, { method: "backup", code: BACKUP_CODES[0] })).toEqual(
      h.done(user, { amr: ["pwd", "otp"], teamId: TEAM_A.id }),
    );
    // and a used backup code is refused the second time too
    const third = h.facts({ uid: "third-interaction" });
    await h.password("dana", { facts: third });
    expect(await h.engine.secondFactor.submit(third, { method: "backup", code: BACKUP_CODES[0] })).toEqual(invalidCode);
    expect(h.accounts.failures.map((f) => f.factor)).toEqual(["code", "code"]);
    expect(h.audit.events.filter((e) => e.type === "login.second_factor_failed").map((e) => e.data)).toEqual([
      { reason: "wrong_code", method: "totp" },
      { reason: "wrong_code", method: "backup" },
    ]);
    expect(h.signIns.finished).toHaveLength(2);
  });

  it("a method no strategy serves: login.invalid_code without asking the authenticator", async () => {
    const { h, user } = await atCodePage();
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "sms", code: TOTP_CODE })).toEqual(invalidCode);
    expect(h.totp.calls).toEqual([]);
    expect(h.accounts.failures.map((f) => f.userId)).toEqual([user.id]);
    expect(h.audit.batches.at(-1)).toEqual([
      h.event("login.second_factor_failed", "failure", user.id, { reason: "wrong_code", method: "sms" }),
    ]);
  });

  it("locked during the second factor: refused without looking at the code, nothing counted", async () => {
    const { h, user } = await atCodePage();
    h.accounts.locked.add(user.id);
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual(invalidCode);
    expect(h.totp.calls).toEqual([]);
    expect(h.accounts.failures).toEqual([]);
    expect(h.accounts.completed).toEqual([]);
    expect(h.audit.batches.slice(1)).toEqual([
      [h.event("login.second_factor_failed", "failure", user.id, { reason: "locked", method: "totp" })],
    ]);
    expect(h.signIns.finished).toEqual([]);
    expect(await h.engine.secondFactor.waiting(h.facts())).not.toBeNull();
  });

  it("past 300 s the login is gone: login.expired, the code is not checked", async () => {
    const { h } = await atCodePage();
    h.clock.advance(299);
    expect(await h.engine.secondFactor.waiting(h.facts())).not.toBeNull();
    h.clock.advance(2);
    expect(await h.engine.secondFactor.waiting(h.facts())).toBeNull();
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual(expired);
    expect(h.totp.calls).toEqual([]);
    expect(h.accounts.failures).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("never past the interaction's own expiry (an interaction with 100 s left)", async () => {
    const { h } = await atCodePage({ interactionTtl: 100 });
    expect((await h.engine.secondFactor.waiting(h.facts()))?.expiresAt).toBe(h.clock.epoch() + 100);
    h.clock.advance(100);
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual(expired);
  });

  it("the account disabled while waiting: login.expired and the waiting login dropped", async () => {
    const { h, user } = await atCodePage();
    h.accounts.disable(user.id);
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual(expired);
    expect(h.totp.calls).toEqual([]);
    expect(await h.redis.keys("*")).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("two right codes in parallel: exactly one done, the other login.expired; one sign-in written", async () => {
    const { h, user } = await atCodePage();
    // both requests have verified their code before either takes the waiting login
    h.totp.wait = barrier(2);
    const outcomes = await Promise.all([
      h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE }),
      h.engine.secondFactor.submit(h.facts(), { method: "backup", code: BACKUP_CODES[1] }),
    ]);
    expect(h.totp.calls).toHaveLength(2);
    const done = outcomes.filter((o) => o.kind === "done");
    expect(done).toEqual([h.done(user, { amr: ["pwd", "otp"], teamId: TEAM_A.id })]);
    expect(outcomes.filter((o) => o.kind !== "done")).toEqual([expired]);
    expect(h.signIns.finished).toHaveLength(1);
    expect(h.accounts.completed).toEqual([user.id]);
  });
});
