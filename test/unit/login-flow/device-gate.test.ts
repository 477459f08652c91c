// The login engine's device gate: policy off, a trusted cookie, TOTP under without-2fa (a backup code still gets
// the email code), the code page and its submit (right -> done with a fresh device cookie, wrong, attempts used,
// account locked, expired, missing), resend (sent, cool-down, email rate-limited) and a disabled account.
import { describe, it, expect } from "vitest";
import { AppError } from "../../../src/http/errors.ts";
import type { Outcome } from "../../../src/flows/login/types.ts";
import type { DeviceSettings } from "../../../src/flows/login/gate-device.ts";
import { BACKUP_CODES, createHarness, DEVICE_CODE, TEAM_A, TOTP_CODE } from "./harness.ts";

const expired: Outcome = { kind: "refused", code: "login.expired" };
const request = { ip: "203.0.113.5", userAgent: "Mozilla/5.0 (test)", clientId: "app" };

async function atDevicePage(policy: DeviceSettings["policy"] = "always") {
  const h = await createHarness({ devicePolicy: policy });
  const user = h.addUser("dev", { teams: [TEAM_A] });
  expect(await h.password("dev")).toEqual({ kind: "continue", page: "device" });
  return { h, user };
}

describe("login flow: device gate", () => {
  it("policy off: passes without looking at the browser (device: off), no cookie", async () => {
    const h = await createHarness({ devicePolicy: "off" });
    const user = h.addUser("dev", { teams: [TEAM_A] });
    expect(await h.password("dev", { facts: { deviceToken: "some-cookie" } })).toEqual(h.done(user, { teamId: TEAM_A.id }));
    expect(h.devices.trustedForCalls).toEqual([]);
    expect(h.devices.trusts).toEqual([]);
    expect(h.signIns.finished[0]!.events.at(-1)!.data).toEqual({ amr: ["pwd"], device: "off", teamId: TEAM_A.id });
  });

  it("a browser the user trusts passes (device: trusted) and gets no new cookie", async () => {
    const h = await createHarness({ devicePolicy: "always" });
    const user = h.addUser("dev", { teams: [TEAM_A] });
    h.devices.trusted.set("known-cookie", user.id);
    expect(await h.password("dev", { facts: { deviceToken: "known-cookie" } })).toEqual(h.done(user, { teamId: TEAM_A.id }));
    expect(h.devices.trustedForCalls).toEqual([{ userId: user.id, token: "known-cookie" }]);
    expect(h.devices.sent).toEqual([]);
    expect(h.devices.trusts).toEqual([]);
    expect(h.signIns.finished[0]!.events.at(-1)!.data).toEqual({ amr: ["pwd"], device: "trusted", teamId: TEAM_A.id });
  });

  it("a cookie trusted by another user does not pass: the code is emailed", async () => {
    const h = await createHarness({ devicePolicy: "always" });
    h.addUser("dev", { teams: [TEAM_A] });
    h.devices.trusted.set("their-cookie", "someone-else");
    expect(await h.password("dev", { facts: { deviceToken: "their-cookie" } })).toEqual({ kind: "continue", page: "device" });
    expect(h.devices.sent).toHaveLength(1);
  });

  it("without-2fa: a TOTP code passes and the browser is trusted at finish (deviceCookie in finished)", async () => {
    const h = await createHarness({ devicePolicy: "without-2fa" });
    const user = h.addUser("dev", { totp: true, teams: [TEAM_A] });
    await h.password("dev");
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual(
      h.done(user, { amr: ["pwd", "otp"], teamId: TEAM_A.id, deviceCookie: "trusted-token-1" }),
    );
    expect(h.devices.sent).toEqual([]);
    expect(h.devices.trusts).toEqual([{ userId: user.id, token: undefined, how: "totp", request, extra: {} }]);
    expect(h.signIns.finished[0]!.events.at(-1)!.data).toEqual({ amr: ["pwd", "otp"], method: "totp", device: "totp", teamId: TEAM_A.id });
  });

  it("without-2fa: a backup code still gets the email code", async () => {
    const h = await createHarness({ devicePolicy: "without-2fa" });
    const user = h.addUser("dev", { totp: true, teams: [TEAM_A] });
    await h.password("dev");
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "backup", code: BACKUP_CODES[0] })).toEqual({
      kind: "continue",
      page: "device",
    });
    expect(h.devices.sent).toEqual([{ uid: h.facts().uid, userId: user.id, keyTtl: 3600, resend: false, code: DEVICE_CODE }]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("always: even a TOTP code gets the email code", async () => {
    const h = await createHarness({ devicePolicy: "always" });
    h.addUser("dev", { totp: true, teams: [TEAM_A] });
    await h.password("dev");
    expect(await h.engine.secondFactor.submit(h.facts(), { method: "totp", code: TOTP_CODE })).toEqual({
      kind: "continue",
      page: "device",
    });
    expect(h.devices.sent).toHaveLength(1);
  });

  it("the code is sent once the page is reached, the email limits spent per IP and per user", async () => {
    const { h, user } = await atDevicePage("without-2fa");
    expect(h.devices.sent).toEqual([{ uid: h.facts().uid, userId: user.id, keyTtl: 3600, resend: false, code: DEVICE_CODE }]);
    expect(h.limits.deviceCodesPerIp.consumed).toEqual(["203.0.113.5"]);
    expect(h.limits.deviceCodesPerUser.consumed).toEqual([user.id]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("the first code's email over a rate limit: the limit's error propagates, no code, nothing waits", async () => {
    const h = await createHarness({ devicePolicy: "always" });
    h.addUser("dev", { teams: [TEAM_A] });
    const limited = new AppError("rate_limited", 429, "Too many codes. Please wait 30 seconds and try again.", { retryAfter: 30 });
    h.limits.deviceCodesPerUser.error = limited;
    await expect(h.password("dev")).rejects.toBe(limited);
    expect(h.devices.sent).toEqual([]);
    expect(await h.redis.keys("*")).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("a backup code, then the code email over a rate limit: the error propagates and the backup code's use is still audited", async () => {
    const h = await createHarness({ devicePolicy: "without-2fa" });
    const user = h.addUser("dev", { totp: true, teams: [TEAM_A] });
    expect(await h.password("dev")).toEqual({ kind: "continue", page: "totp" });
    const limited = new AppError("rate_limited", 429, "Too many codes. Please wait 30 seconds and try again.", { retryAfter: 30 });
    h.limits.deviceCodesPerIp.error = limited;
    await expect(h.engine.secondFactor.submit(h.facts(), { method: "backup", code: BACKUP_CODES[0] })).rejects.toBe(limited);
    expect(h.audit.batches.flat().map((e) => e.type)).toEqual(["login.second_factor_required", "two_factor.backup_code_used"]);
    expect(h.audit.batches.flat()[1]).toEqual(h.event("two_factor.backup_code_used", "success", user.id, { remaining: 2 }));
    expect(h.signIns.finished).toEqual([]);
  });

  it("the page: where the code went and the resend cool-down; the login waits the interaction's TTL", async () => {
    const { h } = await atDevicePage();
    expect(await h.engine.device.show(h.facts())).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 60, codeExpired: false },
    });
    h.clock.advance(20);
    expect(await h.engine.device.show(h.facts(), { code: "device.code_format" })).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 40, codeExpired: false, refusal: { code: "device.code_format" } },
    });
    h.clock.advance(1000);
    expect(await h.engine.device.show(h.facts())).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 0, codeExpired: true },
    });
  });

  it("right code: done with a fresh device cookie, trusted at finish with the time it took", async () => {
    const h = await createHarness({ devicePolicy: "always" });
    const user = h.addUser("dev", { teams: [TEAM_A] });
    const facts = h.facts({ deviceToken: "stale-cookie" });
    await h.engine.firstFactor(facts, { method: "password", identifier: "dev", password: "correct horse battery", remember: true });
    h.clock.advance(15);
    expect(h.devices.trusts).toEqual([]);
    expect(await h.engine.device.submit(facts, DEVICE_CODE)).toEqual(
      h.done(user, { teamId: TEAM_A.id, remember: true, deviceCookie: "trusted-token-1" }),
    );
    expect(h.devices.trusts).toEqual([{ userId: user.id, token: "stale-cookie", how: "code", request, extra: { latencyMs: 15_000 } }]);
    expect(h.signIns.finished).toEqual([
      {
        userId: user.id,
        at: h.clock.now(),
        location: await h.location(user.id),
        events: [
          h.event("login.succeeded", "success", user.id, { amr: ["pwd"], device: "code", deviceApprovalMs: "15000", teamId: TEAM_A.id }),
        ],
      },
    ]);
    expect(await h.redis.keys("*")).toEqual([]);
  });

  it("wrong code: the page again with attemptsLeft; the right code afterwards still passes", async () => {
    const { h, user } = await atDevicePage();
    expect(await h.engine.device.submit(h.facts(), "111111")).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 60, codeExpired: false, refusal: { code: "device.wrong_code", attemptsLeft: 2 } },
    });
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(
      h.done(user, { teamId: TEAM_A.id, deviceCookie: "trusted-token-1" }),
    );
  });

  it("attempts used: the login ends (state and code dropped), a later submit is login.expired", async () => {
    const { h } = await atDevicePage();
    await h.engine.device.submit(h.facts(), "111111");
    await h.engine.device.submit(h.facts(), "222222");
    expect(await h.engine.device.submit(h.facts(), "333333")).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 0, codeExpired: false, refusal: { code: "device.attempts_used" } },
    });
    expect(h.devices.dropped).toEqual([h.facts().uid]);
    expect(await h.redis.keys("*")).toEqual([]);
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(expired);
    expect(await h.engine.device.show(h.facts())).toEqual(expired);
    expect(h.signIns.finished).toEqual([]);
  });

  it("the user's wrong codes used up (checkCode says account_locked): the page says so, with retryAfter", async () => {
    const { h } = await atDevicePage();
    h.devices.checkResults.push({ outcome: "account_locked", lockedNow: true, failures: 10, retryIn: 3600 });
    expect(await h.engine.device.submit(h.facts(), "111111")).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 0, codeExpired: false, refusal: { code: "device.account_locked", retryAfter: 3600 } },
    });
    expect(h.signIns.finished).toEqual([]);
  });

  it("locked before the code was sent: none is sent, the page and a submit say account_locked", async () => {
    const h = await createHarness({ devicePolicy: "always" });
    const user = h.addUser("dev", { teams: [TEAM_A] });
    h.devices.accountLocks.set(user.id, 1800);
    expect(await h.password("dev")).toEqual({ kind: "continue", page: "device" });
    expect(h.devices.sent).toEqual([]);
    expect(h.devices.refusedSends).toEqual([{ uid: h.facts().uid, userId: user.id }]);
    expect(h.limits.deviceCodesPerIp.consumed).toEqual([]);
    const lockedPage = {
      kind: "page",
      view: { email: "dev@example.test", resendIn: 0, codeExpired: false, refusal: { code: "device.account_locked", retryAfter: 1800 } },
    };
    expect(await h.engine.device.show(h.facts())).toEqual(lockedPage);
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(lockedPage);
  });

  it("code expired: the page says so", async () => {
    const { h } = await atDevicePage();
    h.clock.advance(301);
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 0, codeExpired: true, refusal: { code: "device.code_expired" } },
    });
  });

  it("no code for this sign-in (and the account not locked): login.expired", async () => {
    const { h } = await atDevicePage();
    h.devices.challenges.clear();
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(expired);
  });

  it("resend after the cool-down: sent (notice resent), limits spent again, the new code works", async () => {
    const { h, user } = await atDevicePage();
    h.clock.advance(61);
    expect(await h.engine.device.resend(h.facts())).toEqual({ kind: "continue", page: "device", notice: "resent" });
    expect(h.devices.sent.map((s) => s.resend)).toEqual([false, true]);
    expect(h.limits.deviceCodesPerUser.consumed).toEqual([user.id, user.id]);
    expect(await h.engine.device.submit(h.facts(), h.devices.sent[1]!.code)).toEqual(
      h.done(user, { teamId: TEAM_A.id, deviceCookie: "trusted-token-1" }),
    );
  });

  it("resend within the cool-down: the page with device.cooldown and retryAfter", async () => {
    const { h } = await atDevicePage();
    h.clock.advance(10);
    expect(await h.engine.device.resend(h.facts())).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 50, codeExpired: false, refusal: { code: "device.cooldown", retryAfter: 50 } },
    });
    expect(h.devices.sent).toHaveLength(1);
  });

  it("resend over an email rate limit (429): device.email_limited with its message and retryAfter; the old code still works", async () => {
    const { h, user } = await atDevicePage();
    h.clock.advance(61);
    h.limits.deviceCodesPerIp.error = new AppError("rate_limited", 429, "Too many codes. Please wait 30 seconds and try again.", {
      retryAfter: 30,
    });
    expect(await h.engine.device.resend(h.facts())).toEqual({
      kind: "page",
      view: {
        email: "dev@example.test",
        resendIn: 0,
        codeExpired: false,
        refusal: { code: "device.email_limited", message: "Too many codes. Please wait 30 seconds and try again.", retryAfter: 30 },
      },
    });
    expect(h.devices.sent).toHaveLength(1);
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(
      h.done(user, { teamId: TEAM_A.id, deviceCookie: "trusted-token-1" }),
    );
  });

  it("resend: any other error propagates", async () => {
    const { h } = await atDevicePage();
    h.clock.advance(61);
    const down = new AppError("rate_limit_unavailable", 503, "Sign-in is briefly unavailable.");
    h.limits.deviceCodesPerUser.error = down;
    await expect(h.engine.device.resend(h.facts())).rejects.toBe(down);
  });

  it("resend with the attempts used: the login ends like a last wrong code", async () => {
    const { h } = await atDevicePage();
    h.devices.challenges.get(h.facts().uid)!.attempts = 3;
    expect(await h.engine.device.resend(h.facts())).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 0, codeExpired: false, refusal: { code: "device.attempts_used" } },
    });
    expect(await h.redis.keys("*")).toEqual([]);
    expect(await h.engine.device.resend(h.facts())).toEqual(expired);
  });

  it("resend while the account's wrong codes are used up: device.account_locked", async () => {
    const { h, user } = await atDevicePage();
    h.devices.accountLocks.set(user.id, 900);
    expect(await h.engine.device.resend(h.facts())).toEqual({
      kind: "page",
      view: { email: "dev@example.test", resendIn: 0, codeExpired: false, refusal: { code: "device.account_locked", retryAfter: 900 } },
    });
  });

  it("resend with no code for this sign-in: login.expired", async () => {
    const { h } = await atDevicePage();
    h.devices.challenges.clear();
    expect(await h.engine.device.resend(h.facts())).toEqual(expired);
  });

  it("the account disabled while waiting: the page, resend and a right code are login.expired", async () => {
    const { h, user } = await atDevicePage();
    h.accounts.disable(user.id);
    expect(await h.engine.device.show(h.facts())).toEqual(expired);
    expect(await h.engine.device.resend(h.facts())).toEqual(expired);
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(expired);
    expect(h.devices.trusts).toEqual([]);
    expect(h.signIns.finished).toEqual([]);
  });

  it("no login waiting: show, submit and resend are login.expired", async () => {
    const h = await createHarness({ devicePolicy: "always" });
    expect(await h.engine.device.show(h.facts())).toEqual(expired);
    expect(await h.engine.device.submit(h.facts(), DEVICE_CODE)).toEqual(expired);
    expect(await h.engine.device.resend(h.facts())).toEqual(expired);
    expect(h.devices.checks).toEqual([]);
  });
});
