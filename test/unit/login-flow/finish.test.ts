// The login engine's finish: exactly one signIns.finish per login (login time, the risk gate's location, the
// request's trail events with login.succeeded last), nothing written again after it, and nothing written to
// signIns for any refused, cancelled, blocked or abandoned login.
import { describe, it, expect } from "vitest";
import { BACKUP_CODES, createHarness, DEVICE_CODE, FIRED, TEAM_A, TEAM_B, TOTP_CODE } from "./harness.ts";

describe("login flow: finish", () => {
  it("one statement: login time, location, the trail (backup_code_used, risk_evaluated) and login.succeeded last", async () => {
    const h = await createHarness({ risk: true });
    const user = h.addUser("fin", { totp: true, teams: [TEAM_A] });
    expect(await h.password("fin", { remember: true })).toEqual({ kind: "continue", page: "totp" });
    h.clock.advance(42);
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "backup", code: BACKUP_CODES[2] })).toEqual(
      h.done(user, { amr: ["pwd", "otp"], remember: true, teamId: TEAM_A.id }),
    );
    expect(h.signIns.finished).toEqual([
      {
        userId: user.id,
        at: h.clock.now(),
        location: {
          row: {
            userId: user.id,
            ip: "203.0.113.5",
            network: "203.0.113.0/24",
            countryCode: "NL",
            latitude: 52.37,
            longitude: 4.89,
            createdAt: h.clock.now(),
          },
          pruneBefore: new Date(h.clock.now().getTime() - 90 * 86_400_000),
        },
        events: [
          h.event("two_factor.backup_code_used", "success", user.id, { remaining: 2 }),
          h.event("login.risk_evaluated", "success", user.id, { decision: "allow", rules: [] }),
          h.event("login.succeeded", "success", user.id, {
            amr: ["pwd", "otp"],
            method: "backup",
            risk: "allow",
            device: "off",
            teamId: TEAM_A.id,
          }),
        ],
      },
    ]);
    // what was written before the finish is not written again
    expect(h.audit.batches).toEqual([[h.event("login.second_factor_required", "success", user.id, { method: "totp" })]]);
  });

  it("a login through every page is written once, at the end; nothing after it writes again", async () => {
    const h = await createHarness({ risk: true, devicePolicy: "always", singleSession: true });
    const user = h.addUser("fin", { teams: [TEAM_A, TEAM_B] });
    h.sessions.add(user.id, "s-elsewhere");
    h.risk.fired = FIRED;
    await h.password("fin");
    h.risk.decide(h.risk.onlyHoldId, "approved");
    await h.engine.hold.visit(h.facts());
    await h.engine.device.submit(h.facts(), DEVICE_CODE);
    await h.engine.singleSession.replace(h.facts());
    expect(h.signIns.finished).toEqual([]);
    expect((await h.engine.team.choose(h.facts(), TEAM_A.id)).kind).toBe("done");
    expect(h.signIns.finished).toHaveLength(1);
    expect(h.signIns.finished[0]!.events.map((e) => e.type)).toEqual(["login.succeeded"]);
    expect(h.signIns.finished[0]!.location).toEqual(await h.location(user.id));

    expect(await h.engine.team.choose(h.facts(), TEAM_A.id)).toEqual({ kind: "refused", code: "login.expired" });
    expect(await h.engine.hold.visit(h.facts())).toEqual({ kind: "refused", code: "login.expired" });
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual({ kind: "refused", code: "login.expired" });
    expect(await h.engine.singleSession.replace(h.facts())).toEqual({ kind: "refused", code: "login.expired" });
    expect(h.signIns.finished).toHaveLength(1);
    expect(h.sessions.revoked).toHaveLength(1);
  });

  it("each login of the same user is its own single write", async () => {
    const h = await createHarness();
    const user = h.addUser("fin", { teams: [TEAM_A] });
    for (const uid of ["i-1", "i-2", "i-3"])
      expect(await h.password("fin", { facts: { uid } })).toEqual(h.done(user, { teamId: TEAM_A.id }));
    expect(h.signIns.finished.map((s) => s.events.map((e) => e.type))).toEqual([
      ["login.succeeded"],
      ["login.succeeded"],
      ["login.succeeded"],
    ]);
  });

  it("refused, cancelled, blocked and abandoned logins write nothing to signIns", async () => {
    const h = await createHarness({ risk: true, devicePolicy: "always", singleSession: true });
    const plain = h.addUser("plain", { teams: [TEAM_A] });
    h.addUser("twofa", { totp: true, teams: [TEAM_A] });
    h.addUser("unverified", { over: { emailVerified: false } });
    h.sessions.add(plain.id, "s-elsewhere");
    const f = (uid: string) => h.facts({ uid });

    // first factor refusals
    expect((await h.password("plain", { password: "nope", facts: { uid: "a" } })).kind).toBe("refused");
    expect((await h.password("ghost", { facts: { uid: "a" } })).kind).toBe("refused");
    expect((await h.password("unverified", { facts: { uid: "a" } })).kind).toBe("refused");
    h.passwords.busy = true;
    expect((await h.password("plain", { facts: { uid: "a" } })).kind).toBe("refused");
    h.passwords.busy = false;

    // second factor: wrong, then expired
    await h.password("twofa", { facts: { uid: "b" } });
    expect((await h.engine.secondFactor.submit(f("b"), { method: "totp", code: "999999" })).kind).toBe("refused");
    h.clock.advance(301);
    expect((await h.engine.secondFactor.submit(f("b"), { method: "totp", code: TOTP_CODE })).kind).toBe("refused");

    // a denied hold
    h.risk.fired = FIRED;
    expect(await h.password("plain", { facts: { uid: "c" } })).toEqual({ kind: "continue", page: "hold" });
    h.risk.decide(h.risk.onlyHoldId, "denied");
    expect(await h.engine.hold.visit(f("c"))).toEqual({ kind: "blocked" });
    h.risk.fired = [];

    // device attempts used
    expect(await h.password("plain", { facts: { uid: "d" } })).toEqual({ kind: "continue", page: "device" });
    for (const code of ["000001", "000002", "000003"]) await h.engine.device.submit(f("d"), code);
    expect(await h.engine.device.submit(f("d"), DEVICE_CODE)).toEqual({ kind: "refused", code: "login.expired" });

    // single session cancelled
    expect(await h.password("plain", { facts: { uid: "e" } })).toEqual({ kind: "continue", page: "device" });
    expect(await h.engine.device.submit(f("e"), h.devices.sent.at(-1)!.code)).toEqual({ kind: "continue", page: "single-session" });
    expect((await h.engine.singleSession.cancel(f("e"))).kind).toBe("cancelled");

    expect(h.signIns.finished).toEqual([]);
    expect(h.audit.events.some((e) => e.type === "login.succeeded")).toBe(false);
    expect(h.sessions.revoked).toEqual([]);
    expect(h.devices.trusts).toEqual([]);
  });
});
