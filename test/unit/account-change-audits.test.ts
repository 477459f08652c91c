// The services that audit the account page's two-factor and passkey confirmations and the self-service API's
// revocations (two-factor-settings.ts, passkeys/reauthentication.ts, own-revocations.ts), over fakes: each
// outcome writes exactly its audit event (type, outcome, who, where from, data), and the device cookie never
// reaches one.
import { describe, it, expect } from "vitest";
import type { NewAuditEvent } from "../../src/queries/audit-events.ts";
import type { User } from "../../src/queries/users.ts";
import type { AuditService } from "../../src/services/audit.ts";
import { createTwoFactorSettings } from "../../src/services/two-factor-settings.ts";
import { createPasskeyReauthentication } from "../../src/services/passkeys/reauthentication.ts";
import { createOwnRevocations } from "../../src/services/own-revocations.ts";

const request = { ip: "203.0.113.5", userAgent: "Test/1.0", deviceToken: "cookie-value" };
const where = { ip: "203.0.113.5", userAgent: "Test/1.0" };
const user = (passwordHash: string | null) =>
  ({ id: "u1", email: "a@example.com", passwordHash, totpSecretEncrypted: null }) as unknown as User;

function recorder() {
  const events: NewAuditEvent[] = [];
  const audit = {
    record: async (e: NewAuditEvent) => {
      events.push(e);
    },
    recordMany: async () => undefined,
  } as unknown as AuditService;
  return { events, audit };
}

function twoFactor(password: "ok" | "locked" | "wrong_password", code: "totp" | "backup" | "invalid") {
  const { events, audit } = recorder();
  const failures: string[] = [];
  const emails: string[] = [];
  const settings = createTwoFactorSettings({
    accounts: {
      confirmPassword: async () => (password === "wrong_password" ? { outcome: "wrong_password", failures: 1 } : { outcome: password }),
      recordFailure: async (_u, _r, factor) => {
        failures.push(factor ?? "password");
        return { failures: 1 };
      },
    },
    totp: {
      verifyCode: async () => (code === "invalid" ? { outcome: "invalid" } : { outcome: "ok", method: code }),
      beginEnrollment: async () => ({ secret: "S", uri: "otpauth://x", qrSvg: "<svg/>" }),
      confirmEnrollment: async (_u, c) =>
        c === "111111" ? { outcome: "enabled", backupCodes: ["b1"] } : c === "late" ? { outcome: "expired" } : { outcome: "invalid" },
      regenerateBackupCodes: async () => ["n1", "n2"],
      disable: async () => undefined,
    },
    audit,
    notifications: {
      twoFactorChanged: async (_u, _r, change) => {
        emails.push(change);
      },
    },
  });
  return { settings, events, failures, emails };
}

describe("two-factor settings audit their own outcomes", () => {
  it("a refused re-authentication is a failure of the change it was for, with the reason", async () => {
    const noPassword = twoFactor("ok", "totp");
    expect(await noPassword.settings.beginSetup(user(null), { password: "x" }, request)).toEqual({ outcome: "no_password" });
    expect(noPassword.events).toEqual([
      { type: "two_factor.enabled", outcome: "failure", userId: "u1", ...where, data: { reason: "no_password" } },
    ]);

    const locked = twoFactor("locked", "totp");
    expect(await locked.settings.disable(user("h"), { password: "x", code: "1" }, request)).toEqual({ outcome: "locked" });
    expect(locked.events).toEqual([
      { type: "two_factor.disabled", outcome: "failure", userId: "u1", ...where, data: { reason: "locked" } },
    ]);

    const wrongCode = twoFactor("ok", "invalid");
    expect(await wrongCode.settings.regenerateBackupCodes(user("h"), { password: "x", code: "1" }, request)).toEqual({
      outcome: "wrong_code",
    });
    expect(wrongCode.failures).toEqual(["code"]);
    expect(wrongCode.emails).toEqual([]);
    expect(wrongCode.events).toEqual([
      { type: "two_factor.backup_codes_regenerated", outcome: "failure", userId: "u1", ...where, data: { reason: "wrong_code" } },
    ]);
  });

  it("each change is audited as a success and emailed; confirming the setup audits a wrong or late code", async () => {
    const t = twoFactor("ok", "backup");
    expect((await t.settings.beginSetup(user("h"), { password: "x" }, request)).outcome).toBe("enroll");
    expect(await t.settings.confirmSetup(user("h"), "000000", where)).toEqual({ outcome: "invalid" });
    expect(await t.settings.confirmSetup(user("h"), "late", where)).toEqual({ outcome: "expired" });
    expect(await t.settings.confirmSetup(user("h"), "111111", where)).toEqual({ outcome: "enabled", backupCodes: ["b1"] });
    expect(await t.settings.regenerateBackupCodes(user("h"), { password: "x", code: "1" }, request)).toEqual({
      outcome: "regenerated",
      backupCodes: ["n1", "n2"],
    });
    expect(await t.settings.disable(user("h"), { password: "x", code: "1" }, request)).toEqual({ outcome: "disabled" });
    expect(t.events).toEqual([
      { type: "two_factor.enabled", outcome: "failure", userId: "u1", ...where, data: { reason: "wrong_code" } },
      { type: "two_factor.enabled", outcome: "failure", userId: "u1", ...where, data: { reason: "enrollment_expired" } },
      { type: "two_factor.enabled", outcome: "success", userId: "u1", ...where, data: {} },
      { type: "two_factor.backup_codes_regenerated", outcome: "success", userId: "u1", ...where, data: {} },
      { type: "two_factor.disabled", outcome: "success", userId: "u1", ...where, data: { method: "backup" } },
    ]);
    expect(t.emails).toEqual(["enabled", "backup_codes_regenerated", "disabled"]);
  });
});

describe("the passkey change's confirmation audits a refusal", () => {
  const now = new Date("2026-01-01T00:10:00Z");
  const make = (password: "ok" | "locked" | "wrong_password") => {
    const { events, audit } = recorder();
    const reauth = createPasskeyReauthentication({
      accounts: {
        confirmPassword: async () => (password === "wrong_password" ? { outcome: "wrong_password", failures: 1 } : { outcome: password }),
      },
      audit,
      clock: { now: () => now } as never,
    });
    return { reauth, events };
  };
  const secondsAgo = (s: number) => now.getTime() / 1000 - s;

  it("without a password: a passkey sign-in of the last 5 minutes passes, an older one is refused and audited", async () => {
    const { reauth, events } = make("ok");
    expect(await reauth.confirm(user(null), undefined, { amr: ["hwk"], loginTs: secondsAgo(299) }, "passkey.removed", request)).toEqual({
      outcome: "ok",
    });
    expect(await reauth.confirm(user(null), undefined, { amr: ["pwd"], loginTs: secondsAgo(10) }, "passkey.removed", request)).toEqual({
      outcome: "sign_in_again",
    });
    expect(await reauth.confirm(user(null), undefined, { amr: ["swk"], loginTs: secondsAgo(301) }, "passkey.added", request)).toEqual({
      outcome: "sign_in_again",
    });
    expect(events).toEqual([
      { type: "passkey.removed", outcome: "failure", userId: "u1", ...where, data: { reason: "no_recent_passkey" } },
      { type: "passkey.added", outcome: "failure", userId: "u1", ...where, data: { reason: "no_recent_passkey" } },
    ]);
  });

  it("with a password: a missing one is refused unaudited, a wrong one or a lock is audited with the reason", async () => {
    const wrong = make("wrong_password");
    const signIn = { amr: ["pwd"], loginTs: null };
    expect(await wrong.reauth.confirm(user("h"), undefined, signIn, "password.removed", request)).toEqual({ outcome: "no_password" });
    expect(await wrong.reauth.confirm(user("h"), "x", signIn, "password.removed", request)).toEqual({ outcome: "wrong_password" });
    expect(wrong.events).toEqual([
      { type: "password.removed", outcome: "failure", userId: "u1", ...where, data: { reason: "wrong_password" } },
    ]);
    const locked = make("locked");
    expect(await locked.reauth.confirm(user("h"), "x", signIn, "passkey.added", request)).toEqual({ outcome: "locked" });
    expect(locked.events).toEqual([{ type: "passkey.added", outcome: "failure", userId: "u1", ...where, data: { reason: "locked" } }]);
    expect(await make("ok").reauth.confirm(user("h"), "x", signIn, "passkey.added", request)).toEqual({ outcome: "ok" });
  });
});

describe("the self-service API's revocations audit a session or device the user does not have", () => {
  const caller = { ip: "203.0.113.5", userAgent: "Test/1.0", clientId: "app-1" };
  const make = (found: boolean) => {
    const { events, audit } = recorder();
    const calls: unknown[] = [];
    const revocations = createOwnRevocations({
      sessions: {
        revoke: async (...args) => {
          calls.push(args);
          return found ? { outcome: "revoked" } : { outcome: "not_found" };
        },
      },
      devices: {
        revoke: async (...args) => {
          calls.push(args);
          return found;
        },
      },
      audit,
    });
    return { revocations, events, calls };
  };

  it("not found: a failure with the user as actor, the token's client, reason not_found and via api", async () => {
    const { revocations, events } = make(false);
    expect(await revocations.revokeSession("u1", "s-1", caller)).toEqual({ outcome: "not_found" });
    expect(await revocations.revokeDevice("u1", "d-1", caller)).toEqual({ outcome: "not_found" });
    expect(events).toEqual([
      {
        type: "session.revoked",
        outcome: "failure",
        userId: "u1",
        actorId: "u1",
        clientId: "app-1",
        ...where,
        data: { sessionId: "s-1", reason: "not_found", via: "api" },
      },
      {
        type: "device.revoked",
        outcome: "failure",
        userId: "u1",
        actorId: "u1",
        clientId: "app-1",
        ...where,
        data: { deviceId: "d-1", reason: "not_found", via: "api" },
      },
    ]);
  });

  it("found: revoked by the session and device services (which audit it), nothing more here", async () => {
    const { revocations, events, calls } = make(true);
    expect(await revocations.revokeSession("u1", "s-1", caller)).toEqual({ outcome: "revoked" });
    expect(await revocations.revokeDevice("u1", "d-1", caller)).toEqual({ outcome: "revoked" });
    expect(events).toEqual([]);
    expect(calls).toEqual([
      ["u1", "s-1", { reason: "revoked", actorId: "u1", request: where }],
      ["u1", "d-1", { ...where, clientId: "app-1" }],
    ]);
  });
});
