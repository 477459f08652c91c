// Forgot password. The request always gets the same answer; a known, enabled account gets an email with a
// link (32 random bytes; only the SHA-256 is stored; single use; PASSWORD_RESET_TTL, 30 minutes by default; a
// newer request replaces older links) and where the request came from. Users with TOTP must also give a code
// (a reset never bypasses the second factor). The new password follows the policy and the history. Consuming
// the link and setting the password happen in one transaction; afterwards every session ends, every refresh
// token is revoked, the lock is lifted and a "password changed" email goes out. No automatic sign-in.
import { randomToken, sha256 } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import type { CredentialQueries } from "../queries/credentials.ts";
import type { User, UserQueries } from "../queries/users.ts";
import type { CredentialService } from "./credentials.ts";
import { parseIdentifier } from "./identifiers.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";
import type { PasswordService } from "./passwords.ts";
import type { TotpService } from "./totp.ts";
import type { LockoutService } from "./lockout.ts";
import type { AccountService } from "./accounts.ts";
import type { AuditService } from "./audit.ts";

export type ValidResetLink = { outcome: "valid"; user: User; needsCode: boolean };
export type ResetLink = ValidResetLink | { outcome: "invalid" };
export type ResetResult =
  | { outcome: "done"; userId: string }
  | { outcome: "invalid_link" }
  /** a wrong or missing code, or the account is locked (then the code was not even looked at) */
  | { outcome: "invalid_code"; userId: string; locked: boolean }
  | { outcome: "invalid_password"; userId: string; message: string };

export function createPasswordResetService(deps: {
  users: UserQueries;
  credentials: CredentialQueries;
  credentialService: CredentialService;
  passwords: PasswordService;
  totp: TotpService;
  lockout: LockoutService;
  notifications: Notifications;
  accounts: Pick<AccountService, "recordFailure">;
  audit: AuditService;
  clock: Clock;
  issuer: string;
  ttlSeconds: number;
  historySize: number;
}) {
  const { users, credentials, clock, audit } = deps;
  const failed = (reason: string, userId: string | null, request: RequestInfo, data: Record<string, unknown> = {}) =>
    audit.record({ type: "password_reset.failed", outcome: "failure", userId, ...request, data: { reason, ...data } });

  async function inspect(token: string): Promise<ResetLink> {
    const live = await credentials.findLiveResetToken(sha256(token), clock.now());
    if (!live || live.user.disabled) return { outcome: "invalid" };
    return { outcome: "valid", user: live.user, needsCode: deps.totp.enabled(live.user) };
  }

  /** emails a link when the address (or username) belongs to an enabled account; returns the user id or null, never shown */
  async function sendLink(identifier: string, request: RequestInfo): Promise<string | null> {
    const id = parseIdentifier(identifier);
    const user = await (id.kind === "email" ? users.findByEmailNormalized(id.value) : users.findByUsernameNormalized(id.value));
    if (!user || user.disabled) return null;
    const token = randomToken(32);
    const now = clock.now();
    // the link and its email are one transaction: a crash leaves both or neither
    const mail = await deps.notifications.prepare.passwordReset(
      user,
      `${deps.issuer}/reset-password?token=${token}`,
      deps.ttlSeconds,
      request,
      now,
    );
    await credentials.replaceResetToken(
      { userId: user.id, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + deps.ttlSeconds * 1000), requestedIp: request.ip },
      now,
      [mail],
    );
    deps.notifications.wake();
    return user.id;
  }

  /** `link` is what inspect(token) said a moment ago; the redemption checks the token again atomically */
  async function redeem(
    link: ValidResetLink,
    token: string,
    password: string,
    code: string | undefined,
    request: RequestInfo,
  ): Promise<ResetResult> {
    const { user } = link;
    // the policy says nothing about the account; the history does, so it waits for the second factor
    const policy = await deps.credentialService.checkPolicy(user, password);
    if (!policy.ok) return { outcome: "invalid_password", userId: user.id, message: policy.message };
    if (link.needsCode) {
      // a locked account is refused without looking at the code: the lock must stop code guessing here too
      if (await deps.lockout.lockedUntil({ userId: user.id })) return { outcome: "invalid_code", userId: user.id, locked: true };
      if (!code || (await deps.totp.verifyCode(user, code)).outcome !== "ok")
        return { outcome: "invalid_code", userId: user.id, locked: false };
    }
    const history = await deps.credentialService.checkHistory(user, password);
    if (!history.ok) return { outcome: "invalid_password", userId: user.id, message: history.message };
    const hash = await deps.passwords.hash(password);
    const userId = await deps.credentialService.commitChange(
      user,
      () => credentials.redeemResetToken(sha256(token), hash, clock.now(), deps.historySize),
      { request, via: "reset" },
    );
    if (!userId) return { outcome: "invalid_link" }; // a parallel redemption won
    return { outcome: "done", userId };
  }

  return {
    /** the link for an account (also the admin actions' and the import's, which audit their own events) */
    request: sendLink,

    /** the user asked on the forgot-password page: the link, audited as password_reset.requested (user id or null) */
    async requestByUser(identifier: string, info: RequestInfo): Promise<void> {
      const userId = await sendLink(identifier, info);
      await audit.record({ type: "password_reset.requested", outcome: "success", userId, ...info });
    },

    /** whether a link is live and whether the form must ask for a code; changes nothing */
    inspect,

    /** a reset form came back with a link that is not (or no longer) valid: audited as password_reset.failed */
    refuseLink: (info: RequestInfo) => failed("invalid_link", null, info),

    /**
     * the new password (and code) for a live link, every outcome audited: password_reset.completed, or
     * password_reset.failed with its reason; a wrong code counts toward the lockout as at sign-in
     */
    async complete(
      link: ValidResetLink,
      token: string,
      password: string,
      code: string | undefined,
      info: RequestInfo,
    ): Promise<ResetResult> {
      const result = await redeem(link, token, password, code, info);
      switch (result.outcome) {
        case "done":
          await audit.record({ type: "password_reset.completed", outcome: "success", userId: result.userId, ...info });
          break;
        case "invalid_link":
          await failed("invalid_link", link.user.id, info);
          break;
        case "invalid_password":
          await failed("invalid_password", result.userId, info);
          break;
        case "invalid_code": {
          if (result.locked) {
            await failed("locked", result.userId, info);
            break;
          }
          const failure = await deps.accounts.recordFailure(link.user, info, "code");
          await failed("invalid_code", result.userId, info, failure.lockedUntil ? { lockedUntil: failure.lockedUntil.toISOString() } : {});
          break;
        }
      }
      return result;
    },
  };
}

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;
