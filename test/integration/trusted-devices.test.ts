// The trusted-devices service and the device codes against real Postgres and Redis (app clock moved by hand):
// which cookies count as trusted (not revoked, not expired, this user's, well formed), a fresh cookie value at
// every trust (a planted value never kept) with other users' rows moved to it, the list with "current"; codes
// bound to their sign-in and user, attempts counted exactly under parallel guesses, resend keeping attempts and
// leaving the old code and its cool-down alone when the limit refuses; the per-user count of wrong codes across
// sign-ins (exact under parallel guesses, a right code gives its place back, the window on the app clock); and
// the device gate's order of decisions (off, trusted, TOTP, code; an email-approved sign-in and a backup code
// still get the code).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { manualClock } from "../helpers/totp-login.ts";
import { sequenceRandom } from "../helpers/random.ts";
import { codeMail, codeMailCount } from "../helpers/device-flow.ts";
import { randomToken, sha256 } from "../../src/lib/crypto.ts";
import { AppError } from "../../src/http/errors.ts";
import { createDeviceGate } from "../../src/flows/login/gate-device.ts";
import { createTrail } from "../../src/flows/login/trail.ts";
import type { Facts, SignedIn } from "../../src/flows/login/types.ts";
import type { User } from "../../src/queries/users.ts";

const TRUSTED_TTL = 30 * 86400;
const request = { ip: "127.0.0.1", userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0" };
const noSpend = async () => {};
let uidCounter = 0;
const newUid = () => `test-uid-${Date.now().toString(36)}-${++uidCounter}`;

describe("trusted devices and device codes", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  const clock = manualClock();
  const devices = () => t.app.services.devices;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(
      { SMTP_URL: sink.url, DEVICE_APPROVAL: "without-2fa", TRUSTED_DEVICE_TTL: String(TRUSTED_TTL), DEVICE_CODE_MAX_ATTEMPTS: "5" },
      { clock, random: sequenceRandom() },
    );
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const auditEvents = (userId: string, type: string) =>
    t.app.db.prisma.auditEvent.findMany({ where: { userId, type }, orderBy: { id: "asc" } });
  const userRow = async (id: string) => t.app.db.prisma.user.findUniqueOrThrow({ where: { id } });

  it("a trusted cookie counts for its user only, until revoked or expired; malformed cookies never", async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    const { token, device } = await devices().trust(a.id, undefined, "code", request);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(device.tokenHash).toBe(sha256(token));
    expect(device.label).toBe("Firefox 140 on Linux");

    clock.advance(60);
    const found = await devices().trustedFor(a.id, token, request);
    expect(found?.id).toBe(device.id);
    const touched = await t.app.db.prisma.trustedDevice.findUniqueOrThrow({ where: { id: device.id } });
    expect(touched.lastUsedAt.getTime()).toBe(clock.now().getTime());

    expect(await devices().trustedFor(b.id, token, request)).toBeNull();
    expect(await devices().trustedFor(a.id, `${token}x`, request)).toBeNull();
    expect(await devices().trustedFor(a.id, undefined, request)).toBeNull();
    expect(await devices().trustedFor(a.id, randomToken(32), request)).toBeNull();

    // the same browser trusted by b: a fresh value, a row per user, a's row moved to it (the old value is dead)
    const forB = await devices().trust(b.id, token, "totp", request);
    expect(forB.token).not.toBe(token);
    expect(await devices().trustedFor(b.id, forB.token, request)).not.toBeNull();
    expect((await devices().trustedFor(a.id, forB.token, request))?.id).toBe(device.id);
    expect(await devices().trustedFor(a.id, token, request)).toBeNull();
    expect(await t.app.db.prisma.trustedDevice.count({ where: { tokenHash: sha256(token) } })).toBe(0);
    const cookie = forB.token;
    // a malformed cookie is replaced by a fresh value
    expect((await devices().trust(b.id, "not-a-token", "code", request)).token).not.toBe("not-a-token");

    expect(await devices().revoke(a.id, device.id, request)).toBe(true);
    expect(await devices().revoke(a.id, device.id, request)).toBe(false);
    expect(await devices().trustedFor(a.id, cookie, request)).toBeNull();
    expect(await devices().trustedFor(b.id, cookie, request)).not.toBeNull();
    // a trusts again: the revoked row revived under a fresh value, b's trust of this browser moves along
    const again = await devices().trust(a.id, cookie, "code", request);
    expect(again.device.id).toBe(device.id);
    expect(await devices().trustedFor(b.id, again.token, request)).not.toBeNull();
    // b cannot revoke a's device by id
    expect(await devices().revoke(b.id, again.device.id, request)).toBe(false);
    expect(await devices().trustedFor(a.id, again.token, request)).not.toBeNull();

    clock.advance(TRUSTED_TTL + 1);
    expect(await devices().trustedFor(a.id, again.token, request)).toBeNull();
    expect(await devices().list(a.id, again.token)).toEqual([]);
  });

  it("a planted cookie value is never kept: the trusted value is fresh and the planted one matches no row", async () => {
    const victim = await t.createUser();
    const planted = randomToken(32);
    const { token, device } = await devices().trust(victim.id, planted, "code", request);
    expect(token).not.toBe(planted);
    expect(device.tokenHash).toBe(sha256(token));
    expect(device.tokenHash).not.toBe(sha256(planted));
    expect(await devices().trustedFor(victim.id, planted, request)).toBeNull();
    expect(await t.app.db.prisma.trustedDevice.count({ where: { tokenHash: sha256(planted) } })).toBe(0);
  });

  it("the list marks this browser's device and leaves out revoked ones", async () => {
    const u = await t.createUser();
    const here = await devices().trust(u.id, undefined, "code", request);
    const there = await devices().trust(u.id, undefined, "code", { ip: "127.0.0.2", userAgent: null });
    const list = await devices().list(u.id, here.token);
    expect(list.map((d) => [d.id, d.current]).sort()).toEqual(
      [
        [here.device.id, true],
        [there.device.id, false],
      ].sort(),
    );
    expect(list.find((d) => d.id === there.device.id)!.label).toBe("Unknown browser");
    expect(JSON.stringify(list)).not.toContain(here.token);
    expect(await devices().revokeAll(u.id, request)).toBe(2);
    expect(await devices().list(u.id, here.token)).toEqual([]);
  });

  it("a code works for its own sign-in and user only, once", async () => {
    const u = await userRow((await t.createUser()).id);
    const uid = newUid();
    await devices().sendCode(uid, u, request, 600, noSpend);
    const { code } = await codeMail(sink, u.email, 1);
    const other = newUid();
    await devices().sendCode(other, u, request, 600, noSpend);
    // the first code on the second sign-in: wrong there (the test's codes never repeat)
    const second = (await codeMail(sink, u.email, 2)).code;
    expect(second).not.toBe(code);
    expect((await devices().checkCode(other, u.id, code, request)).outcome).toBe("wrong");
    // the right code, but for another user's sign-in
    const stranger = await t.createUser();
    expect((await devices().checkCode(uid, stranger.id, code, request)).outcome).toBe("wrong");
    expect((await devices().checkCode(uid, u.id, code, request)).outcome).toBe("ok");
    expect((await devices().checkCode(uid, u.id, code, request)).outcome).toBe("missing");
  });

  it("20 parallel wrong guesses: exactly 5 compared, the rest refused as locked", async () => {
    const u = await userRow((await t.createUser()).id);
    const uid = newUid();
    await devices().sendCode(uid, u, request, 600, noSpend);
    const { code } = await codeMail(sink, u.email, 1);
    const wrong = code === "000000" ? "111111" : "000000";
    const results = await Promise.all(Array.from({ length: 20 }, () => devices().checkCode(uid, u.id, wrong, request)));
    expect(results.filter((r) => r.outcome === "wrong")).toHaveLength(4);
    expect(results.filter((r) => r.outcome === "locked" && r.lockedNow)).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "locked" && !r.lockedNow)).toHaveLength(15);
    expect((await devices().checkCode(uid, u.id, code, request)).outcome).toBe("locked");
    expect((await devices().resendCode(uid, u, request, noSpend)).outcome).toBe("locked");
  });

  it("resend: attempts carry over; a refused limit leaves the old code working and sends nothing", async () => {
    const u = await userRow((await t.createUser()).id);
    const uid = newUid();
    await devices().sendCode(uid, u, request, 600, noSpend);
    const { code } = await codeMail(sink, u.email, 1);
    const wrong = code === "000000" ? "111111" : "000000";
    await devices().checkCode(uid, u.id, wrong, request);
    await devices().checkCode(uid, u.id, wrong, request);
    expect(await devices().resendCode(uid, u, request, noSpend)).toMatchObject({ outcome: "cooldown" });
    clock.advance(t.config.deviceApproval.resendCooldown);
    const refused = new AppError("rate_limited", 429, "Too many");
    await expect(
      devices().resendCode(uid, u, request, async () => {
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(codeMailCount(sink, u.email)).toBe(1);
    // the refused resend left the challenge as it was: the same cool-down (none left now), the old code, attempts
    expect(await devices().codeStatus(uid)).toMatchObject({ attempts: 2, resendIn: 0 });
    expect((await devices().resendCode(uid, u, request, noSpend)).outcome).toBe("sent");
    const { code: fresh } = await codeMail(sink, u.email, 2);
    const status = await devices().codeStatus(uid);
    expect(status!.attempts).toBe(2);
    expect(fresh).not.toBe(code);
    expect(await devices().checkCode(uid, u.id, code, request)).toMatchObject({ outcome: "wrong", attempt: 3, attemptsLeft: 2 });
    expect((await devices().checkCode(uid, u.id, fresh, request)).outcome).toBe("ok");
  });

  it("wrong codes add up per user across sign-ins: exact under parallel guesses, a right code gives its place back, the window passes", async () => {
    const limit = t.config.deviceApproval.failuresPerUser;
    expect(limit).toBe(10);
    const u = await userRow((await t.createUser()).id);
    const signIn = async () => {
      const uid = newUid();
      const before = codeMailCount(sink, u.email);
      expect(await devices().sendCode(uid, u, request, 600, noSpend)).toBe(true);
      return { uid, code: (await codeMail(sink, u.email, before + 1)).code };
    };
    const wrongFor = (code: string) => (code === "000000" ? "111111" : "000000");
    // 4 wrong, then the right code: it takes no place in the count
    const first = await signIn();
    for (let n = 0; n < 4; n++) expect((await devices().checkCode(first.uid, u.id, wrongFor(first.code), request)).outcome).toBe("wrong");
    expect((await devices().checkCode(first.uid, u.id, first.code, request)).outcome).toBe("ok");
    expect(await devices().accountStatus(u.id)).toMatchObject({ failures: 4, locked: false });
    // two sign-ins at once, 5 parallel wrong guesses each: only 6 more are compared (10 in all)
    const [a, b] = [await signIn(), await signIn()];
    const results = await Promise.all(
      [a, b].flatMap((s) => Array.from({ length: 5 }, () => devices().checkCode(s.uid, u.id, wrongFor(s.code), request))),
    );
    const compared = results.filter(
      (r) => r.outcome === "wrong" || (r.outcome === "locked" && r.lockedNow) || (r.outcome === "account_locked" && r.lockedNow),
    );
    expect(compared).toHaveLength(6);
    expect(results.filter((r) => r.outcome === "account_locked" && r.lockedNow)).toHaveLength(1);
    expect(await devices().accountStatus(u.id)).toMatchObject({ failures: limit, locked: true });
    // now even a right code is refused (not compared), and no new code is sent
    // (one of the two challenges has attempts left: only 6 guesses were compared, the others gave theirs back)
    const rights = await Promise.all([a, b].map((s) => devices().checkCode(s.uid, u.id, s.code, request)));
    expect(rights.map((r) => r.outcome)).toContain("account_locked");
    expect(rights.map((r) => r.outcome)).not.toContain("ok");
    const mails = codeMailCount(sink, u.email);
    expect(await devices().sendCode(newUid(), u, request, 600, noSpend)).toBe(false);
    expect((await devices().resendCode(a.uid, u, request, noSpend)).outcome).toBe("account_locked");
    expect(codeMailCount(sink, u.email)).toBe(mails);
    expect((await auditEvents(u.id, "device.code_locked")).map((e) => e.data as { reason: string; stage?: string })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: "account_failures", stage: "verify" }),
        expect.objectContaining({ reason: "account_failures", stage: "send" }),
      ]),
    );
    // the window passes on the app clock: codes again
    clock.advance(24 * 3600);
    expect(await devices().accountStatus(u.id)).toMatchObject({ failures: 0, locked: false });
    const later = await signIn();
    expect((await devices().checkCode(later.uid, u.id, later.code, request)).outcome).toBe("ok");
  });

  describe("the gate's decisions", () => {
    const facts = (uid: string, deviceToken?: string): Facts => ({
      uid,
      interactionExp: Math.floor(Date.now() / 1000) + 600,
      clientId: "rp",
      ip: request.ip,
      userAgent: request.userAgent,
      deviceToken,
      browserSessionUid: undefined,
      requestedTeam: undefined,
      accountClient: false,
      handedOver: false,
    });
    const who = (userId: string, amr: string[], audit: Record<string, string> = {}): SignedIn => ({
      userId,
      amr,
      remember: false,
      authAt: Date.now(),
      audit,
    });
    const gate = () =>
      createDeviceGate({
        devices: devices(),
        accounts: t.app.services.accounts,
        settings: t.app.config.deviceApproval,
        waitTtl: 600,
        limits: { perIp: t.app.rateLimits.deviceCodePerIp, perUser: t.app.rateLimits.deviceCodePerUser },
      }).gate;
    const check = (f: Facts, w: SignedIn, u: User) => gate().check(f, w, u, createTrail(t.app.services.audit, f));

    it("trusted cookie, then TOTP, then a code; an email-approved sign-in and a backup code still get the code", async () => {
      const u = await t.createUser();
      const user = (await t.app.services.accounts.findActive(u.id))!;
      const { token } = await devices().trust(u.id, undefined, "code", request);
      expect(await check(facts(newUid(), token), who(u.id, ["pwd"], { risk: "approved" }), user)).toEqual({
        pass: true,
        audit: { device: "trusted" },
      });
      expect(await check(facts(newUid()), who(u.id, ["pwd", "otp"], { method: "totp" }), user)).toEqual({
        pass: true,
        audit: { device: "totp" },
      });
      expect(codeMailCount(sink, u.email)).toBe(0);
      const uid = newUid();
      const stop = await check(facts(uid), who(u.id, ["pwd"]), user);
      expect(stop).toMatchObject({ pass: false, page: "device" });
      await codeMail(sink, u.email, 1);
      // approved from the suspicious-login email: the link proves the mailbox, not this browser
      const approved = newUid();
      expect(await check(facts(approved), who(u.id, ["pwd"], { risk: "approved" }), user)).toMatchObject({ pass: false, page: "device" });
      await codeMail(sink, u.email, 2);
      // a backup code is not a TOTP: the emailed code
      const backup = newUid();
      expect(await check(facts(backup), who(u.id, ["pwd", "otp"], { method: "backup" }), user)).toMatchObject({
        pass: false,
        page: "device",
      });
      await codeMail(sink, u.email, 3);
    });
  });
});
