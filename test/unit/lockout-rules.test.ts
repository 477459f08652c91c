// The lockout rules (services/sign-in-locks.ts, lockout.ts, unlock-links.ts) through the account service, on a
// fake clock over ioredis-mock: an attacker's wrong passwords lock the account for untrusted browsers only; a
// trusted browser's wrong passwords lock that browser only (and its owner is told); networks count first-factor
// failures across accounts (a trusted browser's too) and drain; the unlock link is issued once per lock, works once,
// expires, and keeps the count. (The bench: test/helpers/lockout-rules-env.ts.)
import { describe, it, expect, beforeEach } from "vitest";
import { lockoutNetworkOf } from "../../src/services/sign-in-locks.ts";
import {
  ATTACKER,
  OWNER_COOKIE,
  OWNER_HOME,
  PASSWORD,
  START,
  reasonOf,
  setup,
  token,
  wrong,
  type Env,
} from "../helpers/lockout-rules-env.ts";

describe("lockout rules: trusted devices (OWASP device cookies)", () => {
  let env: Env;
  beforeEach(async () => {
    env = await setup();
  });

  it("an attacker's 5 wrong passwords lock the account for every untrusted browser, not for the owner's trusted one", async () => {
    const alice = env.add("alice");
    env.trust(alice, OWNER_COOKIE);
    await wrong(env, "alice", ATTACKER, 5);
    expect(reasonOf(await env.signIn("alice", PASSWORD, ATTACKER))).toBe("locked");
    expect(reasonOf(await env.signIn("alice", PASSWORD, { ip: "192.0.2.1", userAgent: "another browser" }))).toBe("locked");
    // a cookie value the account does not trust is no help (another user's, or made up)
    expect(reasonOf(await env.signIn("alice", PASSWORD, { ...ATTACKER, deviceToken: token("x") }))).toBe("locked");
    expect(reasonOf(await env.signIn("alice", PASSWORD, OWNER_HOME))).toBe("ok");
    // the owner's success does not lift the untrusted lock (the attacker would go on guessing)
    expect(reasonOf(await env.signIn("alice", PASSWORD, ATTACKER))).toBe("locked");
    expect(env.lockEvents("account")).toHaveLength(1);
    expect(env.lockEvents("account")[0]).toMatchObject({ userId: alice.id, ip: ATTACKER.ip, data: { factor: "password", failures: 5 } });
    env.clock.advance(600);
    expect(reasonOf(await env.signIn("alice", PASSWORD, ATTACKER))).toBe("ok");
    expect(await env.lockout.failures({ userId: alice.id })).toBe(0);
  });

  it("a trusted browser's wrong passwords lock that browser only, with the same progressive schedule; the owner is told which browser", async () => {
    const bob = env.add("bob");
    env.trust(bob, OWNER_COOKIE);
    await wrong(env, "bob", OWNER_HOME, 5);
    expect(reasonOf(await env.signIn("bob", PASSWORD, OWNER_HOME))).toBe("device_locked");
    expect(await env.lockout.failures({ userId: bob.id })).toBe(0);
    expect(env.lockEvents("device")).toHaveLength(1);
    expect(env.lockEvents("account")).toHaveLength(0);
    // a trusted browser may be a shared computer where someone guesses the owner's password: the owner hears of
    // it, about that browser, with no unlock link (their other browsers are not locked)
    expect(env.mails).toEqual([
      {
        to: bob.email,
        attempts: 5,
        factor: "password",
        until: new Date((START + 600) * 1000),
        device: { label: "Firefox", trustedSince: new Date(0) },
      },
    ]);
    // everyone else (the owner elsewhere too) is unaffected
    expect(reasonOf(await env.signIn("bob", PASSWORD, ATTACKER))).toBe("ok");
    env.clock.advance(599);
    expect(reasonOf(await env.signIn("bob", PASSWORD, OWNER_HOME))).toBe("device_locked");
    env.clock.advance(1);
    await wrong(env, "bob", OWNER_HOME, 5);
    const until = await env.lockout.lockedUntil({ deviceId: `device-bob-o` });
    expect(until!.getTime() / 1000 - env.clock.epoch()).toBe(1200);
    expect(env.mails).toHaveLength(2); // one email per lock
    env.clock.advance(1200);
    expect(reasonOf(await env.signIn("bob", PASSWORD, OWNER_HOME))).toBe("ok");
    expect(await env.lockout.failures({ deviceId: "device-bob-o" })).toBe(0);
  });

  it("second factor: the account's lock refuses codes from untrusted browsers, not from the trusted one; code failures count where passwords do", async () => {
    const carol = env.add("carol");
    env.trust(carol, OWNER_COOKIE);
    await wrong(env, "carol", ATTACKER, 5);
    expect(await env.accounts.isLocked(carol.id, ATTACKER)).toBe(true);
    expect(await env.accounts.isLocked(carol.id, OWNER_HOME)).toBe(false);
    await env.accounts.recordFailure(carol, OWNER_HOME, "code");
    expect(await env.lockout.failures({ deviceId: "device-carol-o" })).toBe(1);
    await env.accounts.completeSignIn(carol, OWNER_HOME);
    expect(await env.lockout.failures({ deviceId: "device-carol-o" })).toBe(0);
    expect(await env.accounts.isLocked(carol.id, ATTACKER)).toBe(true); // the trusted success left the account's lock alone
    expect(await env.accounts.confirmPassword(carol, PASSWORD, OWNER_HOME)).toEqual({ outcome: "ok" });
    expect(await env.accounts.confirmPassword(carol, PASSWORD, ATTACKER)).toEqual({ outcome: "locked" });
  });

  it("failures while locked are not counted, and the owner is emailed once per lock", async () => {
    const dan = env.add("dan");
    await wrong(env, "dan", ATTACKER, 5);
    for (let i = 0; i < 20; i++) expect(reasonOf(await env.signIn("dan", `still wrong ${i}`, ATTACKER))).toBe("locked");
    expect(await env.lockout.failures({ userId: dan.id })).toBe(5);
    expect(env.mails).toHaveLength(1);
    expect(env.mails[0]).toMatchObject({ to: dan.email, attempts: 5, factor: "password" });
    expect(env.mails[0]!.unlockLink).toMatch(/^https:\/\/id\.example\.test\/unlock\?token=[\w-]{43}$/);
  });
});

describe("lockout rules: networks", () => {
  it("untrusted failures across accounts lock the /24 for untrusted browsers; other networks and trusted browsers go on", async () => {
    const env = await setup({ networkThreshold: 8 });
    const erin = env.add("erin");
    env.trust(erin, OWNER_COOKIE);
    for (let i = 0; i < 8; i++)
      expect(reasonOf(await env.signIn(`nobody-${i}@example.test`, "guess", { ip: `81.2.69.${i + 1}`, userAgent: "spray" }))).toBe(
        "unknown",
      );
    expect(env.lockEvents("network")).toEqual([
      expect.objectContaining({ userId: null, data: expect.objectContaining({ network: "81.2.69.0/24", failures: 8 }) }),
    ]);
    // a wrong password from that network: refused like any failure, and not counted against erin
    expect(reasonOf(await env.signIn("erin", "not it", { ip: "81.2.69.200", userAgent: "new laptop" }))).toBe("network_locked");
    expect(await env.lockout.failures({ userId: erin.id })).toBe(0);
    // her right password there, in a browser she never approved: on, but only through the emailed code (stepUp)
    expect(await env.signIn("erin", PASSWORD, { ip: "81.2.69.200", userAgent: "new laptop" })).toMatchObject({
      outcome: "ok",
      stepUp: "network",
    });
    /** a plain "ok": signed in with no step-up asked */
    const plainOk = (r: Awaited<ReturnType<Env["signIn"]>>) => {
      expect(r).toMatchObject({ outcome: "ok" });
      expect(r).not.toHaveProperty("stepUp");
    };
    plainOk(await env.signIn("erin", PASSWORD, { ...OWNER_HOME, ip: "81.2.69.7" }));
    plainOk(await env.signIn("erin", PASSWORD, { ip: "81.2.70.1", userAgent: "next door" }));
    env.clock.advance(600);
    plainOk(await env.signIn("erin", PASSWORD, { ip: "81.2.69.200", userAgent: "new laptop" }));
    // the next lock of the network is twice as long
    for (let i = 0; i < 8; i++) await env.signIn(`nobody-${i}@example.test`, "guess", { ip: "81.2.69.9", userAgent: "spray" });
    expect((await env.lockout.networkLockedUntil("81.2.69.0/24"))!.getTime() / 1000 - env.clock.epoch()).toBe(1200);
  });

  it("the bucket drains: the threshold per hour, not in total; 0 turns it off", async () => {
    const env = await setup({ networkThreshold: 8 });
    const from = { ip: "2a02:6b8:5:6::1", userAgent: "spray" };
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 7; i++) await env.signIn(`x${round}-${i}@example.test`, "guess", { ...from, ip: `2a02:6b8:5:6::${i + 10}` });
      env.clock.advance(3600);
    }
    expect(await env.lockout.networkLockedUntil("2a02:6b8:5:6::/64")).toBeNull();
    expect(env.lockEvents("network")).toEqual([]);

    const off = await setup({ networkThreshold: 0 });
    for (let i = 0; i < 30; i++) await off.signIn(`y${i}@example.test`, "guess", from);
    expect(off.lockout.countsNetworks).toBe(false);
    expect(off.lockEvents("network")).toEqual([]);
  });

  it("a trusted browser's wrong passwords count toward its network too: a shared computer guessing the accounts that trust it is seen", async () => {
    const env = await setup({ networkThreshold: 8 });
    // a library computer that four people approved: one cookie, a trusted row for each
    const shared = { ip: "81.2.69.50", userAgent: "library pc", deviceToken: token("s") };
    const people = ["lea", "max", "nia", "oli"].map((name) => {
      const user = env.add(name);
      env.trust(user, shared.deviceToken);
      return user;
    });
    // second-factor failures say nothing about the network (someone had the password)
    for (let i = 0; i < 3; i++) await env.accounts.recordFailure(people[3]!, shared, "code");
    expect(await env.lockout.failures({ deviceId: "device-oli-s" })).toBe(3);
    for (const person of people.slice(0, 3)) await wrong(env, person.username, shared, 2);
    expect(await env.lockout.networkLockedUntil("81.2.69.0/24")).toBeNull();
    await wrong(env, "oli", shared, 2);
    expect(env.lockEvents("network")).toEqual([
      expect.objectContaining({ userId: null, ip: shared.ip, data: expect.objectContaining({ network: "81.2.69.0/24", failures: 8 }) }),
    ]);
    // still each browser's own count only (and one lock: oli's, at the fifth), never an account's
    for (const person of people) expect(await env.lockout.failures({ userId: person.id })).toBe(0);
    expect(await env.lockout.failures({ deviceId: "device-lea-s" })).toBe(2);
    expect(env.lockEvents("device")).toEqual([expect.objectContaining({ userId: people[3]!.id })]);
    // the network's lock judges the untrusted browsers there; a trusted one still goes by its own count
    expect(reasonOf(await env.signIn("lea", "not it", { ip: "81.2.69.60", userAgent: "another pc" }))).toBe("network_locked");
    expect(reasonOf(await env.signIn("lea", PASSWORD, shared))).toBe("ok");
    expect(await env.lockout.failures({ deviceId: "device-lea-s" })).toBe(0);
  });

  it("networks: IPv4 /24 (also IPv4-mapped), IPv6 /64; none for loopback, private and other special-use addresses", () => {
    expect(lockoutNetworkOf("81.2.69.77")).toBe("81.2.69.0/24");
    expect(lockoutNetworkOf("::ffff:81.2.69.77")).toBe("81.2.69.0/24");
    expect(lockoutNetworkOf("2a02:6b8:aa:bb:1:2:3:4")).toBe("2a02:6b8:aa:bb::/64");
    expect(lockoutNetworkOf("2a02:6b8::1")).toBe("2a02:6b8:0:0::/64");
    // behind a proxy without TRUST_PROXY everyone would share one of these: one attacker would lock everyone out
    for (const ip of [
      "127.0.0.1",
      "::ffff:127.0.0.1",
      "10.1.2.3",
      "192.168.0.9",
      "172.20.0.5",
      "::1",
      "fd00::5",
      "203.0.113.7",
      "2001:db8::1",
    ]) {
      expect(lockoutNetworkOf(ip), ip).toBeNull();
    }
    expect(lockoutNetworkOf(null)).toBeNull();
    expect(lockoutNetworkOf("not an address")).toBeNull();
  });

  it("a sign-in from a special-use address counts toward no network", async () => {
    const env = await setup({ networkThreshold: 3 });
    for (let i = 0; i < 10; i++) await env.signIn(`z${i}@example.test`, "guess", { ip: "10.0.0.5", userAgent: "behind a proxy" });
    expect(env.lockEvents("network")).toEqual([]);
  });
});

describe("lockout rules: the unlock link", () => {
  let env: Env;
  // every attempt here comes from one network: its own lock stays out of the way
  beforeEach(async () => {
    env = await setup({ networkThreshold: 1000 });
  });
  const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

  it("lifts the lock once and keeps the count: the next lock is the next, longer step", async () => {
    const gus = env.add("gus");
    await wrong(env, "gus", ATTACKER, 5);
    const link = tokenOf(env.mails[0]!.unlockLink!);
    expect(await env.unlockLinks.inspect(link)).toMatchObject({
      outcome: "valid",
      user: { id: gus.id },
      lockedUntil: new Date((START + 600) * 1000),
    });
    expect(await env.unlockLinks.redeem(link, ATTACKER)).toMatchObject({
      outcome: "unlocked",
      wasLockedUntil: new Date((START + 600) * 1000),
    });
    expect(reasonOf(await env.signIn("gus", PASSWORD, ATTACKER))).toBe("ok");
    expect(await env.unlockLinks.redeem(link, ATTACKER)).toEqual({ outcome: "invalid" });
    expect(await env.unlockLinks.inspect(link)).toEqual({ outcome: "invalid" });
    expect(env.events.filter((e) => e.type.startsWith("lockout."))).toEqual([
      expect.objectContaining({
        type: "lockout.cleared",
        outcome: "success",
        userId: gus.id,
        data: { via: "unlock_link", wasLockedUntil: new Date((START + 600) * 1000).toISOString() },
      }),
      expect.objectContaining({ type: "lockout.unlock_failed", outcome: "failure", userId: null, data: { reason: "invalid" } }),
    ]);

    // without the success in between, the count goes on: the next lock is 20 minutes, with a new link
    const hal = env.add("hal");
    await wrong(env, "hal", ATTACKER, 5);
    expect((await env.unlockLinks.redeem(tokenOf(env.mails[1]!.unlockLink!), ATTACKER)).outcome).toBe("unlocked");
    await wrong(env, "hal", ATTACKER, 5);
    expect((await env.lockout.lockedUntil({ userId: hal.id }))!.getTime() / 1000 - env.clock.epoch()).toBe(1200);
    expect(env.mails.filter((m) => m.to === hal.email)).toHaveLength(2);
  });

  it("only the link of the lock in place unlocks: an earlier lock's link, or one from before a sign-in, ends nothing", async () => {
    const jo = env.add("jo");
    await wrong(env, "jo", ATTACKER, 5);
    const first = tokenOf(env.mails[0]!.unlockLink!);
    env.clock.advance(600); // the first lock runs out unused; the attacker goes on to the second
    await wrong(env, "jo", ATTACKER, 5);
    const second = tokenOf(env.mails[1]!.unlockLink!);
    expect(await env.unlockLinks.inspect(first)).toEqual({ outcome: "invalid" });
    expect(await env.unlockLinks.redeem(first, ATTACKER)).toEqual({ outcome: "invalid" });
    expect(await env.lockout.lockedUntil({ userId: jo.id })).not.toBeNull();
    expect(env.events.filter((e) => e.type === "lockout.unlock_failed").at(-1)).toMatchObject({
      userId: jo.id,
      data: { reason: "superseded" },
    });
    expect(await env.unlockLinks.redeem(second, ATTACKER)).toMatchObject({ outcome: "unlocked" });
    // a third lock, then the owner signs in once it ran out (the count starts over): its link ends nothing later
    await wrong(env, "jo", ATTACKER, 5);
    const third = tokenOf(env.mails[2]!.unlockLink!);
    env.clock.advance(2400);
    expect(reasonOf(await env.signIn("jo", PASSWORD, ATTACKER))).toBe("ok");
    expect(await env.unlockLinks.redeem(third, ATTACKER)).toEqual({ outcome: "invalid" });
  });

  it("expires by the app clock, and dies when the address changes; unknown tokens are refused", async () => {
    const ivy = env.add("ivy");
    await wrong(env, "ivy", ATTACKER, 5);
    const link = tokenOf(env.mails[0]!.unlockLink!);
    env.clock.advance(3600);
    expect(await env.unlockLinks.inspect(link)).toEqual({ outcome: "expired" });
    expect(await env.unlockLinks.redeem(link, ATTACKER)).toEqual({ outcome: "expired" });
    expect(await env.lockout.lockedUntil({ userId: ivy.id })).toBeNull(); // (the 10-minute lock ended by itself)

    const jay = env.add("jay");
    await wrong(env, "jay", ATTACKER, 5);
    env.changeEmail(jay, "jay-new@example.test");
    expect(await env.unlockLinks.redeem(tokenOf(env.mails[1]!.unlockLink!), ATTACKER)).toEqual({ outcome: "invalid" });
    expect(await env.lockout.lockedUntil({ userId: jay.id })).not.toBeNull();
    expect(await env.unlockLinks.redeem("not-a-token", ATTACKER)).toEqual({ outcome: "invalid" });
    expect(await env.unlockLinks.redeem(token("z"), ATTACKER)).toEqual({ outcome: "invalid" });
  });

  it("a lock by wrong codes (someone has the password) gets no unlock link; unknown identifiers get no email", async () => {
    const kim = env.add("kim");
    for (let i = 0; i < 5; i++) await env.accounts.recordFailure(kim, ATTACKER, "code");
    await env.settled();
    expect(env.mails).toEqual([expect.objectContaining({ to: kim.email, factor: "code" })]);
    expect(env.mails[0]!.unlockLink).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(reasonOf(await env.signIn("nobody@example.test", "guess", ATTACKER))).toBe("unknown");
    expect(reasonOf(await env.signIn("nobody@example.test", "guess", ATTACKER))).toBe("locked");
    expect(env.mails).toHaveLength(1);
    expect(env.lockEvents("account").at(-1)).toMatchObject({ userId: null, data: { knownAccount: false } });
  });
});
