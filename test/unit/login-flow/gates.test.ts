// The login engine's gate runner: the declared order (hold, then device code, then single session, then team),
// the gates already passed kept with the waiting login and never run again, each gate's wait, a gate page
// opened when the login moved on (or was handed over, or is gone), and the stillValid check at every pass.
import { describe, it, expect } from "vitest";
import type { Outcome } from "../../../src/flows/login/types.ts";
import { createHarness, DEVICE_CODE, FIRED, TEAM_A, TEAM_B, type Harness } from "./harness.ts";

const expired: Outcome = { kind: "refused", code: "login.expired" };

async function allGates() {
  const h = await createHarness({ risk: true, devicePolicy: "always", singleSession: true });
  const user = h.addUser("gia", { teams: [TEAM_A, TEAM_B] });
  h.sessions.add(user.id, "s-elsewhere");
  h.risk.fired = FIRED;
  const authAt = h.clock.now().getTime();
  expect(await h.password("gia")).toEqual({ kind: "continue", page: "hold" });
  return { h, user, authAt };
}
const stored = async (h: Harness) => JSON.parse((await h.redis.get(`flow:login:{${h.facts().uid}}`))!);

describe("login flow: gates", () => {
  it("in order: hold first (no code sent, no session listed), then the device code, then single session, then team; all in login.succeeded", async () => {
    const { h, user, authAt } = await allGates();
    expect(h.devices.sent).toEqual([]);
    expect(h.sessions.listCalls).toBe(0);
    expect(await stored(h)).toMatchObject({ step: "gate", gate: "risk", passed: [], expiresAt: h.clock.epoch() + 900 });

    h.risk.decide(h.risk.onlyHoldId, "approved");
    h.clock.advance(10);
    expect(await h.engine.hold.visit(h.facts())).toEqual({ kind: "continue", page: "device" });
    expect(h.devices.sent).toHaveLength(1);
    expect(h.sessions.listCalls).toBe(0);
    expect(await stored(h)).toEqual({
      // the device wait is the interaction's TTL, never past the interaction itself
      step: "gate",
      gate: "device",
      passed: ["risk"],
      data: {},
      expiresAt: h.interactionExp,
      who: {
        userId: user.id,
        amr: ["pwd"],
        remember: false,
        authAt,
        audit: { amr: ["pwd"], risk: "approved", riskRules: ["new_country"] },
      },
    });

    h.clock.advance(20);
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual({ kind: "continue", page: "single-session" });
    expect(await stored(h)).toMatchObject({
      step: "gate",
      gate: "single_session",
      passed: ["risk", "device"],
      expiresAt: h.clock.epoch() + 300,
    });
    expect(h.devices.trusts).toEqual([]);

    h.clock.advance(3);
    expect(await h.engine.singleSession.replace(h.facts())).toEqual({ kind: "continue", page: "team" });
    expect(h.sessions.revoked).toEqual([]);
    expect(h.devices.trusts).toEqual([]);

    expect(await h.engine.team.choose(h.facts(), TEAM_B.id)).toEqual(h.done(user, { teamId: TEAM_B.id, deviceCookie: "trusted-token-1" }));
    expect(h.risk.assessed).toEqual([user.id]);
    expect(h.sessions.revoked.map((r) => r.sessionId)).toEqual(["s-elsewhere"]);
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
            device: "code",
            deviceApprovalMs: "20000",
            singleSession: "replaced",
            replacedSessions: ["s-elsewhere"],
            singleSessionDecisionMs: "3000",
            teamId: TEAM_B.id,
          }),
        ],
      },
    ]);
  });

  it("a gate page opened while the login waits at another gate: moved to that page (submit/replace refuse)", async () => {
    const { h } = await allGates();
    expect(await h.engine.device.show(h.facts())).toEqual({ kind: "continue", page: "hold" });
    expect(await h.engine.singleSession.show(h.facts())).toEqual({ kind: "continue", page: "hold" });
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(expired);
    expect(await h.engine.device.resend(h.facts())).toEqual(expired);
    expect(await h.engine.singleSession.replace(h.facts())).toEqual(expired);
    expect(await h.engine.singleSession.cancel(h.facts())).toEqual(expired);
    expect(h.devices.checks).toEqual([]);
    // none of that ended the hold
    expect(await h.engine.hold.poll(h.facts())).toBe("pending");

    h.risk.decide(h.risk.onlyHoldId, "approved");
    await h.engine.hold.visit(h.facts());
    expect(await h.engine.hold.poll(h.facts())).toBe("moved");
    expect(await h.engine.hold.visit(h.facts())).toEqual({ kind: "continue", page: "device" });
    expect(await h.engine.singleSession.show(h.facts())).toEqual({ kind: "continue", page: "device" });
    expect(await h.engine.secondFactor.waiting(h.facts())).toBeNull();
    expect(await h.engine.team.show(h.facts())).toEqual(expired);
  });

  it("a gate page opened while the login waits at the team page: moved to team", async () => {
    const h = await createHarness({ risk: true, devicePolicy: "always" });
    const user = h.addUser("gia", { teams: [TEAM_A, TEAM_B] });
    h.devices.trusted.set("cookie", user.id);
    expect(await h.password("gia", { facts: { deviceToken: "cookie" } })).toEqual({ kind: "continue", page: "team" });
    expect(await h.engine.hold.visit(h.facts())).toEqual({ kind: "continue", page: "team" });
    expect(await h.engine.hold.poll(h.facts())).toBe("moved");
    expect(await h.engine.device.show(h.facts())).toEqual({ kind: "continue", page: "team" });
    expect(await h.engine.singleSession.show(h.facts())).toEqual({ kind: "continue", page: "team" });
  });

  it("handed over (a parallel request finished the login): every gate page says resume", async () => {
    const { h } = await allGates();
    const f = h.facts({ handedOver: true });
    expect(await h.engine.hold.visit(f)).toEqual({ kind: "continue", page: "resume" });
    expect(await h.engine.hold.poll(f)).toBe("moved");
    expect(await h.engine.device.show(f)).toEqual({ kind: "continue", page: "resume" });
    expect(await h.engine.singleSession.show(f)).toEqual({ kind: "continue", page: "resume" });
    expect(h.risk.statusCalls).toBe(0);
  });

  it("no login at all: every gate page is login.expired (poll: expired)", async () => {
    const h = await createHarness({ risk: true, devicePolicy: "always", singleSession: true });
    expect(await h.engine.hold.visit(h.facts())).toEqual(expired);
    expect(await h.engine.hold.poll(h.facts())).toBe("expired");
    expect(await h.engine.device.show(h.facts())).toEqual(expired);
    expect(await h.engine.singleSession.show(h.facts())).toEqual(expired);
  });

  it("password changed while at the device page (after the login checked it): the right code is login.expired", async () => {
    const h = await createHarness({ devicePolicy: "always" });
    const user = h.addUser("gia", { teams: [TEAM_A] });
    await h.password("gia");
    h.clock.advance(60);
    h.accounts.changePassword(user.id, h.clock.now());
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(expired);
    expect(await h.redis.keys("*")).toEqual([]);
    expect(h.devices.trusts).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("a password changed at the same millisecond the login checked it still passes", async () => {
    const h = await createHarness({ devicePolicy: "always" });
    const user = h.addUser("gia", { teams: [TEAM_A] });
    h.accounts.changePassword(user.id, h.clock.now());
    await h.password("gia");
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(
      h.done(user, { teamId: TEAM_A.id, deviceCookie: "trusted-token-1" }),
    );
  });
});
