// Shared harness of the login-flow unit tests: the engine of src/flows/login/engine.ts built over ioredis-mock
// and small in-memory fakes of its services (accounts, TOTP, teams, risk, devices, sessions, audit, sign-ins),
// a clock the tests advance, and a few helpers. Nothing here is random: ids and codes are counters or constants.
import { onTestFinished } from "vitest";
import type { RedisClient } from "../../../src/db/redis.ts";
import { createLoginEngine, type LoginEngineDeps } from "../../../src/flows/login/engine.ts";
import type { Facts, FlowClock, Outcome } from "../../../src/flows/login/types.ts";
import type { NewAuditEvent } from "../../../src/queries/audit-events.ts";
import type { FinishedSignIn, SignInQueries } from "../../../src/queries/sign-ins.ts";
import type { User } from "../../../src/queries/users.ts";
import type { AccountService, SignInResult } from "../../../src/services/accounts.ts";
import type { TrustedDevices } from "../../../src/services/devices/trusted-devices.ts";
import type { AccountStatus, ChallengeStatus, ResendResult, VerifyResult } from "../../../src/services/devices/device-codes.ts";
import type { FiredRule, Hold, HoldStatus, RiskService } from "../../../src/services/risk/index.ts";
import type { EndOptions, SessionRecords, UserSession } from "../../../src/services/sessions/records.ts";
import type { TeamService } from "../../../src/services/teams.ts";
import type { CodeCheck, TotpService } from "../../../src/services/totp.ts";
import { totpEnabled } from "../../../src/services/totp.ts";
import { acrFor } from "../../../src/lib/acr.ts";

export const PASSWORD = "correct horse battery";
export const TOTP_CODE = "123456";
export const BACKUP_CODES = ["bkp-aaaa-1111", "bkp-bbbb-2222", "bkp-cccc-3333"] as const;
export const DEVICE_CODE = "654321";
/** 2027-01-15T08:00:00Z */
export const START_MS = 1_800_000_000_000;

type Request = { ip: string | null; userAgent: string | null; clientId?: string | null };

/** resolves once `n` callers are waiting: lets parallel requests reach the same point before either goes on */
export function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= n) release();
    return all;
  };
}

// ---------------------------------------------------------------------------------------------------------- clock

export class FakeClock implements FlowClock {
  ms = START_MS;
  now(): Date {
    return new Date(this.ms);
  }
  epoch(): number {
    return Math.floor(this.ms / 1000);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

// ---------------------------------------------------------------------------------------------------------- users

let userCounter = 0;

export function makeUser(over: Partial<User> & { username: string }): User {
  userCounter += 1;
  const id = over.id ?? `00000000-0000-4000-8000-${String(userCounter).padStart(12, "0")}`;
  const email = over.email ?? `${over.username}@example.test`;
  return {
    id,
    email,
    emailNormalized: email.toLowerCase(),
    emailVerified: true,
    emailVerifiedAt: new Date(START_MS - 86_400_000),
    usernameNormalized: over.username.toLowerCase(),
    name: null,
    passwordHash: "$argon2id$fake",
    passwordChangedAt: null,
    disabled: false,
    disabledAt: null,
    systemRole: null,
    lastLoginAt: null,
    createdAt: new Date(START_MS - 30 * 86_400_000),
    updatedAt: new Date(START_MS - 86_400_000),
    totpSecretEncrypted: null,
    totpEnabledAt: null,
    deletionDueAt: null,
    locale: null,
    timeZone: null,
    ...over,
  };
}

// ------------------------------------------------------------------------------------------------------- accounts

export class FakeAccounts {
  users = new Map<string, User>();
  passwords = new Map<string, string>();
  locked = new Set<string>();
  /** a forced result of signInWithPassword for an identifier */
  outcomes = new Map<string, SignInResult>();
  signInCalls: { identifier: string; request: Request }[] = [];
  failures: { userId: string; factor: string; request: Request }[] = [];
  completed: string[] = [];
  findActiveCalls = 0;

  add(user: User, password = PASSWORD): User {
    this.users.set(user.id, user);
    this.passwords.set(user.id, password);
    return user;
  }

  private byIdentifier(identifier: string): User | undefined {
    const wanted = identifier.trim().toLowerCase();
    return [...this.users.values()].find((u) => u.emailNormalized === wanted || u.usernameNormalized === wanted);
  }

  async signInWithPassword(identifier: string, password: string, request: Request): Promise<SignInResult> {
    this.signInCalls.push({ identifier, request });
    const forced = this.outcomes.get(identifier);
    if (forced) return forced;
    const user = this.byIdentifier(identifier);
    if (user && this.locked.has(user.id)) return { outcome: "invalid", userId: user.id, reason: "locked" };
    if (!user) return { outcome: "invalid", userId: null, reason: "unknown" };
    if (this.passwords.get(user.id) !== password) {
      await this.recordFailure(user, request);
      return { outcome: "invalid", userId: user.id, reason: "wrong_password" };
    }
    if (user.disabled) return { outcome: "invalid", userId: user.id, reason: "disabled" };
    if (!user.emailVerified) return { outcome: "unverified", user };
    // the sign-in facts the real lookup reads with the row: as the harness's ports say, no passkeys, nothing requires MFA
    const signInUser = { ...user, hasPasskey: false, mfaRequiredBy: [] };
    if (totpEnabled(user)) return { outcome: "second_factor", user: signInUser };
    await this.completeSignIn(user);
    return { outcome: "ok", user: signInUser, amr: ["pwd"] };
  }

  async findActive(id: string): Promise<User | undefined> {
    this.findActiveCalls += 1;
    const user = this.users.get(id);
    return user && !user.disabled ? user : undefined;
  }

  /** findActive with the sign-in facts: as the harness's ports say, no passkeys, nothing requires MFA */
  async findActiveForSignIn(id: string): Promise<(User & { hasPasskey: boolean; mfaRequiredBy: string[] }) | undefined> {
    const user = await this.findActive(id);
    return user && { ...user, hasPasskey: false, mfaRequiredBy: [] };
  }

  async isLocked(userId: string): Promise<boolean> {
    return this.locked.has(userId);
  }

  async recordFailure(user: User, request: Request, factor = "password"): Promise<{ failures: number }> {
    this.failures.push({ userId: user.id, factor, request });
    return { failures: this.failures.filter((f) => f.userId === user.id).length };
  }

  async completeSignIn(user: Pick<User, "id">): Promise<void> {
    this.completed.push(user.id);
  }

  /** the password changed (a reset) at `at` */
  changePassword(userId: string, at: Date): void {
    this.users.set(userId, { ...this.users.get(userId)!, passwordChangedAt: at });
  }
  disable(userId: string): void {
    this.users.set(userId, { ...this.users.get(userId)!, disabled: true });
  }
}

// ----------------------------------------------------------------------------------------------------------- totp

/** every TOTP user's app shows TOTP_CODE; each user has BACKUP_CODES; a code (TOTP or backup) works once */
export class FakeTotp {
  used = new Set<string>();
  calls: { userId: string; code: string }[] = [];
  /** when set, every verification waits here (parallel requests) */
  wait: (() => Promise<void>) | undefined;

  async verifyCode(user: User, code: string): Promise<CodeCheck> {
    this.calls.push({ userId: user.id, code });
    await this.wait?.();
    const key = `${user.id}:${code}`;
    if (this.used.has(key)) return { outcome: "invalid" };
    if (code === TOTP_CODE) {
      this.used.add(key);
      return { outcome: "ok", method: "totp" };
    }
    if ((BACKUP_CODES as readonly string[]).includes(code)) {
      this.used.add(key);
      const left = BACKUP_CODES.filter((c) => !this.used.has(`${user.id}:${c}`)).length;
      return { outcome: "ok", method: "backup", backupCodesLeft: left };
    }
    return { outcome: "invalid" };
  }
}

// ---------------------------------------------------------------------------------------------------------- teams

export type FakeTeam = { id: string; name: string; slug: string };
export const TEAM_A: FakeTeam = { id: "11111111-1111-4111-8111-111111111111", name: "Alpha", slug: "alpha" };
export const TEAM_B: FakeTeam = { id: "22222222-2222-4222-8222-222222222222", name: "Beta", slug: "beta" };
export const TEAM_C: FakeTeam = { id: "33333333-3333-4333-8333-333333333333", name: "Gamma", slug: "gamma" };

export class FakeTeams {
  memberships = new Map<string, { team: FakeTeam; role: { name: string } }[]>();
  calls: string[] = [];

  join(userId: string, team: FakeTeam, role = "member"): void {
    this.memberships.set(userId, [...(this.memberships.get(userId) ?? []), { team, role: { name: role } }]);
  }

  async membershipsOf(userId: string) {
    this.calls.push(userId);
    return this.memberships.get(userId) ?? [];
  }
}

// ----------------------------------------------------------------------------------------------------------- risk

export const FIRED: FiredRule[] = [{ rule: "new_country", reason: { key: "holdReason.new_country", values: { country: "NL" } } }];

export class FakeRisk {
  enabled = false;
  holdTtl = 900;
  /** what the next assessments find */
  fired: FiredRule[] = [];
  holds = new Map<string, HoldStatus>();
  assessed: string[] = [];
  endedEarlier: string[] = [];
  holdCalls: { userId: string; interactionUid: string; ttlSeconds: number; rules: string[] }[] = [];
  statusCalls = 0;
  /** when set, every status lookup waits here (parallel requests) */
  wait: (() => Promise<void>) | undefined;
  private counter = 0;

  constructor(private clock: FakeClock) {}

  async assess(userId: string, request: Request): Promise<{ fired: FiredRule[]; event: NewAuditEvent | null }> {
    this.assessed.push(userId);
    const fired = this.fired;
    return {
      fired,
      event: {
        type: "login.risk_evaluated",
        outcome: "success",
        userId,
        ip: request.ip,
        userAgent: request.userAgent,
        clientId: request.clientId ?? null,
        data: { decision: fired.length ? "hold" : "allow", rules: fired.map((f) => f.rule) },
      },
    };
  }

  async hold(
    user: { id: string },
    input: { interactionUid: string; fired: FiredRule[]; ttlSeconds: number; spend: () => Promise<void> },
    request: Request & { clientId: string },
  ): Promise<string> {
    await input.spend();
    this.counter += 1;
    const id = `hold-${this.counter}`;
    const hold: Hold = {
      id,
      userId: user.id,
      interactionUid: input.interactionUid,
      clientId: request.clientId,
      rules: input.fired.map((f) => f.rule),
      reasons: input.fired.map((f) => f.reason),
      ip: request.ip,
      userAgent: request.userAgent,
      location: "Amsterdam, Netherlands",
      createdAt: this.clock.now().getTime(),
      expiresAt: this.clock.epoch() + input.ttlSeconds,
      approveHash: "a",
      denyHash: "d",
    };
    this.holds.set(id, { status: "pending", hold });
    this.holdCalls.push({ userId: user.id, interactionUid: input.interactionUid, ttlSeconds: input.ttlSeconds, rules: hold.rules });
    return id;
  }

  async status(holdId: string, _request: Request): Promise<HoldStatus | null> {
    this.statusCalls += 1;
    await this.wait?.();
    const found = this.holds.get(holdId);
    if (!found) return null;
    if (found.status === "pending" && found.hold.expiresAt <= this.clock.epoch()) return { status: "expired", hold: found.hold };
    return found;
  }

  /** the emailed link's decision (or the hold's end) */
  decide(holdId: string, status: HoldStatus["status"]): void {
    const found = this.holds.get(holdId)!;
    this.holds.set(holdId, { ...found, status });
  }
  /** the one hold made so far */
  get onlyHoldId(): string {
    if (this.holds.size !== 1) throw new Error(`${this.holds.size} holds`);
    return [...this.holds.keys()][0]!;
  }

  async endEarlierHold(interactionUid: string, _request: Request): Promise<void> {
    this.endedEarlier.push(interactionUid);
  }

  async signInLocation(userId: string, ip: string | null) {
    return {
      row: {
        userId,
        ip: ip ?? "",
        network: "203.0.113.0/24",
        countryCode: "NL",
        latitude: 52.37,
        longitude: 4.89,
        createdAt: this.clock.now(),
      },
      pruneBefore: new Date(this.clock.now().getTime() - 90 * 86_400_000),
    };
  }
}

// -------------------------------------------------------------------------------------------------------- devices

type Challenge = { userId: string; code: string; sentAtMs: number; expiresAt: number; attempts: number };

export class FakeDevices {
  maxAttempts = 3;
  cooldown = 60;
  codeTtl = 300;
  /** trusted-device cookie value -> user id */
  trusted = new Map<string, string>();
  challenges = new Map<string, Challenge>();
  /** user id -> seconds until their wrong codes are no longer used up */
  accountLocks = new Map<string, number>();
  /** forced results of the next checkCode calls, in order */
  checkResults: VerifyResult[] = [];
  trustedForCalls: { userId: string; token: string | undefined }[] = [];
  sent: { uid: string; userId: string; keyTtl: number; resend: boolean; code: string }[] = [];
  refusedSends: { uid: string; userId: string }[] = [];
  checks: { uid: string; userId: string; code: string }[] = [];
  trusts: { userId: string; token: string | undefined; how: string; request: Request; extra: Record<string, number> }[] = [];
  dropped: string[] = [];
  private codes = 0;
  private tokens = 0;

  constructor(private clock: FakeClock) {}

  private nextCode(): string {
    this.codes += 1;
    return this.codes === 1 ? DEVICE_CODE : String(100000 + this.codes);
  }

  async trustedFor(userId: string, token: string | undefined, _request: Request) {
    this.trustedForCalls.push({ userId, token });
    return token && this.trusted.get(token) === userId ? { id: "device-1", userId } : null;
  }

  async sendCode(uid: string, user: User, _request: Request, keyTtl: number, spend: () => Promise<void>): Promise<boolean> {
    if (this.accountLocks.has(user.id)) {
      this.refusedSends.push({ uid, userId: user.id });
      return false;
    }
    await spend();
    const code = this.nextCode();
    this.challenges.set(uid, {
      userId: user.id,
      code,
      sentAtMs: this.clock.now().getTime(),
      expiresAt: this.clock.epoch() + this.codeTtl,
      attempts: 0,
    });
    this.sent.push({ uid, userId: user.id, keyTtl, resend: false, code });
    return true;
  }

  async checkCode(uid: string, userId: string, code: string, _request: Request): Promise<VerifyResult> {
    this.checks.push({ uid, userId, code });
    const forced = this.checkResults.shift();
    if (forced) return forced;
    const c = this.challenges.get(uid);
    if (!c || c.userId !== userId) return { outcome: "missing" };
    const lock = this.accountLocks.get(userId);
    if (lock !== undefined) return { outcome: "account_locked", lockedNow: false, failures: 10, retryIn: lock };
    if (c.attempts >= this.maxAttempts) return { outcome: "locked", attempt: c.attempts, lockedNow: false };
    if (this.clock.epoch() >= c.expiresAt) return { outcome: "expired" };
    c.attempts += 1;
    if (code === c.code) {
      this.challenges.delete(uid);
      return { outcome: "ok", attempt: c.attempts, waitedMs: this.clock.now().getTime() - c.sentAtMs };
    }
    if (c.attempts >= this.maxAttempts) return { outcome: "locked", attempt: c.attempts, lockedNow: true };
    return { outcome: "wrong", attempt: c.attempts, attemptsLeft: this.maxAttempts - c.attempts };
  }

  async resendCode(
    uid: string,
    user: User,
    _request: Request,
    spend: () => Promise<void>,
  ): Promise<ResendResult | { outcome: "account_locked"; retryIn: number }> {
    const lock = this.accountLocks.get(user.id);
    if (lock !== undefined) return { outcome: "account_locked", retryIn: lock };
    const c = this.challenges.get(uid);
    if (!c) return { outcome: "missing" };
    if (c.attempts >= this.maxAttempts) return { outcome: "locked" };
    const retryIn = Math.ceil((c.sentAtMs + this.cooldown * 1000 - this.clock.now().getTime()) / 1000);
    if (retryIn > 0) return { outcome: "cooldown", retryIn };
    await spend();
    const code = this.nextCode();
    Object.assign(c, { code, sentAtMs: this.clock.now().getTime(), expiresAt: this.clock.epoch() + this.codeTtl });
    this.sent.push({ uid, userId: user.id, keyTtl: 0, resend: true, code });
    return { outcome: "sent", code };
  }

  async accountStatus(userId: string): Promise<AccountStatus> {
    const lock = this.accountLocks.get(userId);
    return lock === undefined ? { failures: 0, locked: false, retryIn: 0 } : { failures: 10, locked: true, retryIn: lock };
  }

  async codeStatus(uid: string): Promise<ChallengeStatus | null> {
    const c = this.challenges.get(uid);
    if (!c) return null;
    const resendIn = Math.max(0, Math.ceil((c.sentAtMs + this.cooldown * 1000 - this.clock.now().getTime()) / 1000));
    return {
      userId: c.userId,
      sentAt: c.sentAtMs,
      expiresAt: c.expiresAt,
      attempts: c.attempts,
      locked: c.attempts >= this.maxAttempts,
      expired: this.clock.epoch() >= c.expiresAt,
      resendIn,
    };
  }

  async dropCode(uid: string): Promise<void> {
    this.dropped.push(uid);
    this.challenges.delete(uid);
  }

  async trust(userId: string, token: string | undefined, how: string, request: Request, extra: Record<string, number> = {}) {
    this.tokens += 1;
    const value = `trusted-token-${this.tokens}`;
    this.trusts.push({ userId, token, how, request, extra });
    this.trusted.set(value, userId);
    return { token: value, device: { id: `device-${this.tokens}`, userId } };
  }
}

// ------------------------------------------------------------------------------------------------------- sessions

export class FakeSessions {
  sessions = new Map<string, UserSession[]>();
  listCalls = 0;
  revoked: { userId: string; sessionId: string; opts: EndOptions }[] = [];

  constructor(private clock: FakeClock) {}

  add(userId: string, id: string): UserSession {
    const at = this.clock.now();
    const session: UserSession = {
      id,
      userId,
      ip: "198.51.100.7",
      userAgent: "Other browser",
      browser: "Firefox 140",
      os: "Linux",
      deviceType: "desktop",
      countryCode: "NL",
      city: null,
      remember: false,
      clients: ["app"],
      startedAt: at,
      lastActiveAt: at,
      expiresAt: new Date(at.getTime() + 86_400_000),
      endedAt: null,
      endReason: null,
    };
    this.sessions.set(userId, [...(this.sessions.get(userId) ?? []), session]);
    return session;
  }

  async listActive(userId: string): Promise<UserSession[]> {
    this.listCalls += 1;
    return (this.sessions.get(userId) ?? []).filter((s) => !s.endedAt);
  }

  async revoke(userId: string, sessionId: string, opts: EndOptions): Promise<{ outcome: "revoked" } | { outcome: "not_found" }> {
    this.revoked.push({ userId, sessionId, opts });
    const s = (this.sessions.get(userId) ?? []).find((x) => x.id === sessionId && !x.endedAt);
    if (!s) return { outcome: "not_found" };
    s.endedAt = this.clock.now();
    s.endReason = opts.reason;
    return { outcome: "revoked" };
  }
}

// ------------------------------------------------------------------------------------------- audit, sign-ins, limits

export class FakeAudit {
  /** each recordMany call (one insert) */
  batches: NewAuditEvent[][] = [];
  async recordMany(events: NewAuditEvent[]): Promise<void> {
    this.batches.push(events);
  }
  get events(): NewAuditEvent[] {
    return this.batches.flat();
  }
}

export class FakeSignIns {
  finished: FinishedSignIn[] = [];
  async finish(s: FinishedSignIn): Promise<void> {
    if (!s.events.length) throw new Error("a finished sign-in has at least its login.succeeded event");
    this.finished.push(s);
  }
}

export class FakeLimit {
  consumed: string[] = [];
  /** when set, consume throws it (a rate limit over its limit) */
  error: Error | undefined;
  async consume(key: string): Promise<void> {
    if (this.error) throw this.error;
    this.consumed.push(key);
  }
}

// -------------------------------------------------------------------------------------------------------- harness

export type HarnessOptions = {
  devicePolicy?: "off" | "without-2fa" | "always";
  singleSession?: boolean;
  risk?: boolean;
  /** RISK_ACTION (gate-risk.ts): hold, or let a login with a second factor through */
  riskAction?: "hold" | "second_factor";
  /** seconds the interaction lives (Facts.interactionExp) and the device gate waits */
  interactionTtl?: number;
};

let harnessCounter = 0;

export async function createHarness(opts: HarnessOptions = {}) {
  harnessCounter += 1;
  const n = harnessCounter;
  const { default: RedisMock } = await import("ioredis-mock");
  const redis = new RedisMock({ keyPrefix: `login-flow-test-${n}:` }) as unknown as RedisClient;
  onTestFinished(() => {
    redis.disconnect();
  });
  const clock = new FakeClock();
  const accounts = new FakeAccounts();
  const passwords = {
    busy: false,
    saturated(): boolean {
      return this.busy;
    },
  };
  const totp = new FakeTotp();
  const teams = new FakeTeams();
  const risk = new FakeRisk(clock);
  risk.enabled = opts.risk ?? false;
  const devices = new FakeDevices(clock);
  const sessions = new FakeSessions(clock);
  const audit = new FakeAudit();
  const signIns = new FakeSignIns();
  const limits = { holdEmailsPerUser: new FakeLimit(), deviceCodesPerIp: new FakeLimit(), deviceCodesPerUser: new FakeLimit() };
  const interactionTtl = opts.interactionTtl ?? 3600;

  const deps: LoginEngineDeps = {
    redis,
    clock,
    accounts: accounts as unknown as AccountService,
    passwords,
    totp: totp as unknown as Pick<TotpService, "verifyCode">,
    // no passkeys in these tests (test/e2e/passkeys*.test.ts drive the passkey strategies against the real service)
    passkeys: {
      enrolled: async () => false,
      authentication: {
        options: async () => {
          throw new Error("no passkeys here");
        },
        verify: async () => ({ outcome: "refused", code: "passkey.unknown", reason: "unknown_credential", userId: null }),
      },
    },
    // no administrator requires a second factor here (test/e2e/mfa-required.test.ts covers the enrolment)
    enrolment: {
      requiredBy: async () => [],
      totp: {
        beginEnrollment: async () => {
          throw new Error("no enrolment here");
        },
        pendingEnrollment: async () => null,
        confirmEnrollment: async () => ({ outcome: "expired" }),
      },
      enabled: async () => undefined,
    },
    // no magic links either (test/e2e/magic-links.test.ts drives them against Redis and the SMTP sink)
    magicLinks: {
      redeemLink: async () => ({ outcome: "refused", reason: "unknown_or_used", userId: null }),
      redeemCode: async () => ({ outcome: "refused", reason: "no_code", userId: null }),
    },
    teams: teams as unknown as Pick<TeamService, "membershipsOf">,
    risk: risk as unknown as RiskService,
    devices: devices as unknown as TrustedDevices,
    sessions: sessions as unknown as SessionRecords,
    audit,
    signIns: signIns as unknown as SignInQueries,
    settings: {
      device: { policy: opts.devicePolicy ?? "off", codeTtl: devices.codeTtl },
      singleSession: opts.singleSession ?? false,
      interactionTtl,
      ...(opts.riskAction ? { riskAction: opts.riskAction } : {}),
    },
    limits,
  };
  const engine = createLoginEngine(deps);
  const interactionExp = clock.epoch() + interactionTtl;

  /** the request facts of this harness's interaction (the same uid unless told) */
  const facts = (over: Partial<Facts> = {}): Facts => ({
    uid: `interaction-${n}`,
    interactionExp,
    clientId: "app",
    ip: "203.0.113.5",
    userAgent: "Mozilla/5.0 (test)",
    deviceToken: undefined,
    browserSessionUid: undefined,
    requestedTeam: undefined,
    accountClient: false,
    handedOver: false,
    ...over,
  });

  /** an audit event as the engine writes it for this request */
  const event = (
    type: string,
    outcome: "success" | "failure",
    userId: string | null,
    data: Record<string, unknown>,
    f: Facts = facts(),
  ): NewAuditEvent => ({
    type,
    outcome,
    userId,
    ip: f.ip,
    userAgent: f.userAgent,
    clientId: f.clientId,
    data: data as NewAuditEvent["data"],
  });

  /** a user (verified, active; `totp`: an authenticator app enrolled) with `teams` */
  const addUser = (username: string, o: { totp?: boolean; teams?: FakeTeam[]; over?: Partial<User>; password?: string } = {}): User => {
    const user = accounts.add(
      makeUser({
        username,
        ...(o.totp ? { totpSecretEncrypted: "v1.fake.secret", totpEnabledAt: new Date(START_MS - 86_400_000) } : {}),
        ...o.over,
      }),
      o.password,
    );
    for (const t of o.teams ?? []) teams.join(user.id, t);
    return user;
  };

  /** the password step for `user` (the right password unless told) */
  const password = (identifier: string, o: { password?: string; remember?: boolean; facts?: Partial<Facts> } = {}): Promise<Outcome> =>
    engine.firstFactor(facts(o.facts), { method: "password", identifier, password: o.password ?? PASSWORD, remember: o.remember ?? false });

  /** the expected `done` outcome */
  const done = (user: User, o: { amr?: string[]; remember?: boolean; teamId?: string | null; deviceCookie?: string } = {}): Outcome => ({
    kind: "done",
    // every finished login names the acr level its amr earned (lib/acr.ts)
    finished: {
      accountId: user.id,
      amr: o.amr ?? ["pwd"],
      remember: o.remember ?? false,
      teamId: o.teamId ?? null,
      acr: acrFor(o.amr ?? ["pwd"]),
      ...(o.deviceCookie ? { deviceCookie: o.deviceCookie } : {}),
    },
  });

  /** the location the fake risk service gives a sign-in now */
  const location = (userId: string) => risk.signInLocation(userId, facts().ip);

  return {
    engine,
    deps,
    redis,
    clock,
    accounts,
    passwords,
    totp,
    teams,
    risk,
    devices,
    sessions,
    audit,
    signIns,
    limits,
    facts,
    event,
    addUser,
    password,
    done,
    location,
    interactionExp,
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
