// TOTP replay and backup-code reuse, at the service and through the sign-in code page: a code's time step is
// used once (also under parallel submissions), ±1 step is accepted and ±2 is not, a backup code works once,
// and what is stored: the secret encrypted (160 bits or more), backup codes only as hashes.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { authorizationRequest, enableTotp, manualClock, passwordStep, post, totpCode } from "../helpers/totp-login.ts";

const REDIRECT = "https://rp.example.test/cb";
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 without padding, to bytes */
function base32Bytes(secret: string): Buffer {
  let bits = "";
  for (const c of secret.replace(/=+$/, "")) {
    const v = BASE32.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, "0");
  }
  return Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
}

describe("TOTP replay and backup codes", () => {
  let t: TestApp;
  let rp: client.Configuration;
  const clock = manualClock();

  beforeAll(async () => {
    // lockout out of the way: parallel losers are counted as wrong codes, which is not what these tests measure
    t = await startTestApp({ LOCKOUT_THRESHOLD: "100" }, { clock });
    const { clientId, clientSecret } = await t.createClient({
      name: "Replay RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  const enrolledUser = async () => {
    const created = await t.createUser();
    const { secret, backupCodes } = await enableTotp(t, clock, created);
    const user = await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: created.id } });
    return { created, user, secret, backupCodes };
  };
  const verify = (user: { id: string; totpSecretEncrypted: string | null }, code: string) => t.app.services.totp.verifyCode(user, code);

  it("a code is accepted once; a replay in the same step is refused", async () => {
    const { user, secret } = await enrolledUser();
    const code = await totpCode(secret, clock.epoch());
    expect(await verify(user, code)).toEqual({ outcome: "ok", method: "totp" });
    expect(await verify(user, code)).toEqual({ outcome: "invalid" });
    clock.advance(10); // later in the same step, the same code
    expect(await verify(user, code)).toEqual({ outcome: "invalid" });
    clock.advance(30); // the next step's code works
    expect((await verify(user, await totpCode(secret, clock.epoch()))).outcome).toBe("ok");
  });

  it("two parallel confirmations of one enrollment (codes of adjacent steps): one turns 2FA on, with one set of backup codes", async () => {
    const created = await t.createUser();
    const { secret } = await t.app.services.totp.beginEnrollment(created);
    const codes = await Promise.all([clock.epoch() - 30, clock.epoch()].map((epoch) => totpCode(secret, epoch)));
    const results = await Promise.all(codes.map((code) => t.app.services.totp.confirmEnrollment(created, code)));
    const enabled = results.filter((r) => r.outcome === "enabled");
    expect(enabled).toHaveLength(1);
    const shown = (enabled[0] as { backupCodes: string[] }).backupCodes;
    const user = await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: created.id } });
    expect(await t.app.services.totp.remainingBackupCodes(created.id)).toBe(10);
    expect((await verify(user, shown[0]!)).outcome).toBe("ok"); // the codes shown are the codes stored
  });

  it("10 parallel submissions of one valid code: exactly one is accepted", async () => {
    const { user, secret } = await enrolledUser();
    const code = await totpCode(secret, clock.epoch());
    const results = await Promise.all(Array.from({ length: 10 }, () => verify(user, code)));
    expect(results.filter((r) => r.outcome === "ok")).toHaveLength(1);
  });

  it("codes from one step either side are accepted, two steps either side refused", async () => {
    for (const [offset, accepted] of [
      [-30, true],
      [30, true],
      [-60, false],
      [60, false],
    ] as const) {
      const { user, secret } = await enrolledUser(); // a fresh account each time; its enrollment used the previous step
      clock.advance(60); // so that every offset tried here is a step never used (a refusal is the window, not a replay)
      try {
        const result = await verify(user, await totpCode(secret, clock.epoch() + offset));
        expect({ offset, outcome: result.outcome }).toEqual({ offset, outcome: accepted ? "ok" : "invalid" });
      } finally {
        clock.advance(-60);
      }
    }
  });

  it("a backup code works once; of 10 parallel uses of one code exactly one wins", async () => {
    const { user, backupCodes } = await enrolledUser();
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);
    expect(await verify(user, backupCodes[0]!)).toEqual({ outcome: "ok", method: "backup", backupCodesLeft: 9 });
    expect(await verify(user, backupCodes[0]!)).toEqual({ outcome: "invalid" });
    const results = await Promise.all(Array.from({ length: 10 }, () => verify(user, backupCodes[1]!)));
    expect(results.filter((r) => r.outcome === "ok")).toHaveLength(1);
    expect(await t.app.services.totp.remainingBackupCodes(user.id)).toBe(8);
    // another user's backup code is no good here
    const other = await enrolledUser();
    expect(await verify(user, other.backupCodes[2]!)).toEqual({ outcome: "invalid" });
  });

  it("stores the secret encrypted (160 bits or more) and backup codes only as hashes", async () => {
    const { user, secret, backupCodes } = await enrolledUser();
    expect(base32Bytes(secret).length).toBeGreaterThanOrEqual(20);
    const [row] = await t.app.db.prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM users WHERE id = ${user.id}::uuid`;
    const stored = JSON.stringify(row);
    expect(row!.totp_secret_encrypted).toMatch(/^v1\./);
    expect(stored).not.toContain(secret);
    expect(stored.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(stored).not.toContain(base32Bytes(secret).toString("base64url"));
    expect(stored).not.toContain(base32Bytes(secret).toString("hex"));

    const codes = await t.app.db.prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM backup_codes WHERE user_id = ${user.id}::uuid`;
    expect(codes).toHaveLength(10);
    const dump = JSON.stringify(codes).toLowerCase();
    for (const code of backupCodes) {
      expect(dump).not.toContain(code.toLowerCase());
      expect(dump).not.toContain(code.replace("-", "").toLowerCase());
    }
  });

  it("through the code page: a code used to sign in is refused in a second sign-in in the same step", async () => {
    const { created, secret } = await enrolledUser();
    const code = await totpCode(secret, clock.epoch());
    const browserA = new TestBrowser(t.url);
    const pageA = await passwordStep(browserA, (await authorizationRequest(rp, REDIRECT)).url, REDIRECT, {
      identifier: created.email,
      password: created.password,
    });
    expect(pageA.html).toContain('name="code"');
    const accepted = await post(browserA, pageA, "/totp", { code });
    expect(accepted.status).toBe(303);
    const browserB = new TestBrowser(t.url);
    const pageB = await passwordStep(browserB, (await authorizationRequest(rp, REDIRECT)).url, REDIRECT, {
      identifier: created.email,
      password: created.password,
    });
    const replayed = await post(browserB, pageB, "/totp", { code });
    expect(replayed.status).toBe(401);
    expect(replayed.html).toContain("Invalid code");
  });

  it("through the code page: 10 parallel submissions of one valid code finish the sign-in once", async () => {
    const { created, secret } = await enrolledUser();
    const browser = new TestBrowser(t.url);
    const page = await passwordStep(browser, (await authorizationRequest(rp, REDIRECT)).url, REDIRECT, {
      identifier: created.email,
      password: created.password,
    });
    const code = await totpCode(secret, clock.epoch());
    const results = await Promise.all(Array.from({ length: 10 }, () => post(browser, page, "/totp", { code })));
    const finished = results.filter((r) => r.status === 303);
    expect(finished).toHaveLength(1);
    expect(finished[0]!.location).toMatch(/\/auth\//);
    expect(results.filter((r) => r.status === 401).every((r) => r.html.includes("Invalid code"))).toBe(true);
    const succeeded = await t.app.db.prisma.auditEvent.count({ where: { userId: created.id, type: "login.succeeded" } });
    expect(succeeded).toBe(1);
  });
});
