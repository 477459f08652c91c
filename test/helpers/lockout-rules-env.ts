// The lockout rules' test bench (test/unit/lockout-*.test.ts): the account service over sign-in-locks, lockout and
// unlock-links on a fake clock and ioredis-mock, with in-memory users, trusted devices, audit and lockout emails.
import { expect } from "vitest";
import type { RedisClient } from "../../src/db/redis.ts";
import type { User, UserQueries } from "../../src/queries/users.ts";
import type { TrustedDeviceQueries, TrustedDeviceRow } from "../../src/queries/trusted-devices.ts";
import type { PasswordService } from "../../src/services/passwords.ts";
import type { AuditService } from "../../src/services/audit.ts";
import type { NewAuditEvent } from "../../src/queries/audit-events.ts";
import { createLockoutService, type LockoutService } from "../../src/services/lockout.ts";
import { createSignInLocks, type LockRequest } from "../../src/services/sign-in-locks.ts";
import { createUnlockLinks, type UnlockLinks } from "../../src/services/unlock-links.ts";
import { createAccountService, type AccountService } from "../../src/services/accounts.ts";
import { sha256 } from "../../src/lib/crypto.ts";

export const START = 1_800_000_000;
export const PASSWORD = "correct horse battery staple";
export const token = (c: string) => c.repeat(43);
export const OWNER_COOKIE = token("o");
export const ATTACKER = { ip: "81.2.69.66", userAgent: "attacker" };
export const OWNER_HOME = { ip: "203.0.113.10", userAgent: "owner", deviceToken: OWNER_COOKIE };

let n = 0;
function makeUser(name: string): User {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    email: `${name}@example.test`,
    emailNormalized: `${name}@example.test`,
    username: name,
    usernameNormalized: name,
    name: null,
    passwordHash: `hash:${PASSWORD}`,
    passwordChangedAt: null,
    disabled: false,
    disabledAt: null,
    systemRole: null,
    lastLoginAt: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    totpSecretEncrypted: null,
    totpEnabledAt: null,
    emailVerified: true,
  } as User;
}

/** `beforeMail`: runs as each lockout email is handed over (a slow or failing mailer) */
export async function setup(settings: { networkThreshold?: number; beforeMail?: () => Promise<void> } = {}) {
  let t = START;
  const clock = {
    now: () => new Date(t * 1000),
    epoch: () => t,
    advance: (s: number) => {
      t += s;
    },
  };
  const { default: RedisMock } = await import("ioredis-mock");
  const redis = new RedisMock({ keyPrefix: `lockout-rules-${++n}:` }) as unknown as RedisClient;
  const users = new Map<string, User>();
  const userQueries = {
    findByEmailNormalized: async (v: string) => [...users.values()].find((u) => u.emailNormalized === v) ?? null,
    findByUsernameNormalized: async (v: string) => [...users.values()].find((u) => u.usernameNormalized === v) ?? null,
    findById: async (id: string) => users.get(id) ?? null,
    // the sign-in's lookup (with its sign-in facts: no passkeys, nothing requires MFA in these rules)
    findForSignIn: async (by: "id" | "email" | "username", v: string) => {
      const user = [...users.values()].find((u) => (by === "id" ? u.id : by === "email" ? u.emailNormalized : u.usernameNormalized) === v);
      return user ? { ...user, hasPasskey: false, mfaRequiredBy: [] } : null;
    },
  } as unknown as UserQueries;
  const passwords = {
    verify: async (hash: string | null, pw: string) => hash === `hash:${pw}`,
    needsRehash: () => false,
  } as unknown as PasswordService;
  const trusted: TrustedDeviceRow[] = [];
  const devices: Pick<TrustedDeviceQueries, "findLive"> = {
    findLive: async (userId, tokenHash, at) =>
      trusted.find((d) => d.userId === userId && d.tokenHash === tokenHash && d.expiresAt > at && !d.revokedAt) ?? null,
  };
  const events: NewAuditEvent[] = [];
  const audit = {
    record: async (e: NewAuditEvent) => {
      events.push(e);
    },
    recordMany: async (es: NewAuditEvent[]) => {
      events.push(...es);
    },
  } as AuditService;
  type Mail = { to: string; attempts: number; factor: string; unlockLink?: string; device?: { label: string; trustedSince: Date } };
  const mails: Mail[] = [];
  const notifications = {
    lockedOut: async (user: User, lock: Omit<Mail, "to">) => {
      await settings.beforeMail?.();
      mails.push({ to: user.email, ...lock });
    },
  };
  const logged: { level: "warn" | "error"; msg: string }[] = [];
  const log = {
    warn: (_: object, msg: string) => {
      logged.push({ level: "warn", msg });
    },
    error: (_: object, msg: string) => {
      logged.push({ level: "error", msg });
    },
  };
  const lockout: LockoutService = createLockoutService({
    redis,
    clock,
    settings: { threshold: 5, baseSeconds: 600, maxSeconds: 86_400, networkThreshold: settings.networkThreshold ?? 8 },
  });
  const unlockLinks: UnlockLinks = createUnlockLinks({
    redis,
    clock,
    users: userQueries,
    lockout,
    audit,
    issuer: "https://id.example.test",
    ttlSeconds: 3600,
  });
  const locks = createSignInLocks({
    lockout,
    devices,
    audit,
    notifications: notifications as never,
    unlockLinks,
    clock,
    log: log as never,
    retryDelaysMs: [0, 0],
  });
  const accounts: AccountService = createAccountService({ users: userQueries, passwords, locks, audit, clock });

  return {
    clock,
    lockout,
    unlockLinks,
    accounts,
    events,
    mails,
    locks,
    logged,
    /** the owner's emails started by the failures so far are handed over */
    settled: () => accounts.settled(),
    add(name: string): User {
      const user = makeUser(name);
      users.set(user.id, user);
      return user;
    },
    trust(user: User, cookie: string) {
      trusted.push({
        id: `device-${user.username}-${cookie[0]}`,
        userId: user.id,
        tokenHash: sha256(cookie),
        label: "Firefox",
        ip: null,
        countryCode: null,
        createdAt: new Date(0),
        lastUsedAt: new Date(0),
        expiresAt: new Date((START + 86_400 * 365) * 1000),
        revokedAt: null,
      });
    },
    changeEmail(user: User, email: string) {
      users.set(user.id, { ...user, email, emailNormalized: email });
    },
    signIn: (who: string, password: string, request: LockRequest) => accounts.signInWithPassword(who, password, request),
    lockEvents: (scope: string) => events.filter((e) => e.type === "login.locked" && (e.data as { scope: string }).scope === scope),
  };
}

export type Env = Awaited<ReturnType<typeof setup>>;
export const reasonOf = (r: Awaited<ReturnType<Env["signIn"]>>) => (r.outcome === "invalid" ? r.reason : r.outcome);
/** `times` wrong passwords, each refused as one; then the emails they started are handed over */
export async function wrong(env: Env, who: string, request: LockRequest, times: number) {
  for (let i = 0; i < times; i++) expect(reasonOf(await env.signIn(who, `wrong ${i}`, request))).toBe("wrong_password");
  await env.settled();
}
