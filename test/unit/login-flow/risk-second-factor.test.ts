// RISK_ACTION=second_factor (gate-risk.ts): a fired rule lets a login that showed a second factor through (its
// TOTP is the step-up; no hold, no email; risk_evaluated and login.succeeded say second_factor and the rules),
// while a login without one is held as before; with RISK_ACTION=hold a TOTP login is held too.
import { describe, it, expect } from "vitest";
import { createHarness, FIRED, TEAM_A, TOTP_CODE } from "./harness.ts";

describe("login flow: risk gate asking the second factor instead of the hold", () => {
  it("second_factor: a TOTP login goes on without a hold; the decision is audited as second_factor", async () => {
    const h = await createHarness({ risk: true, riskAction: "second_factor" });
    const user = h.addUser("dana", { totp: true, teams: [TEAM_A] });
    h.risk.fired = FIRED;
    expect(await h.password("dana")).toEqual({ kind: "continue", page: "totp" });
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual(
      h.done(user, { amr: ["pwd", "otp"], teamId: TEAM_A.id }),
    );
    expect(h.risk.holdCalls).toEqual([]);
    expect(h.limits.holdEmailsPerUser.consumed).toEqual([]);
    const events = h.signIns.finished[0]!.events;
    expect(events.find((e) => e.type === "login.risk_evaluated")?.data).toMatchObject({
      decision: "second_factor",
      rules: ["new_country"],
    });
    expect(events.at(-1)?.data).toMatchObject({ risk: "second_factor", riskRules: ["new_country"] });
  });

  it("second_factor: a password-only user is held as before", async () => {
    const h = await createHarness({ risk: true, riskAction: "second_factor" });
    h.addUser("alice", { teams: [TEAM_A] });
    h.risk.fired = FIRED;
    expect(await h.password("alice")).toEqual({ kind: "continue", page: "hold" });
    expect(h.risk.holdCalls).toHaveLength(1);
  });

  it("hold (the default): a TOTP login is held too", async () => {
    const h = await createHarness({ risk: true });
    h.addUser("dana", { totp: true, teams: [TEAM_A] });
    h.risk.fired = FIRED;
    await h.password("dana");
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual({ kind: "continue", page: "hold" });
  });
});
