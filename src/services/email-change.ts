// Changing the email address while signed in (one use case for the profile page): the current password is required
// (judged like a sign-in from this browser: a wrong one counts toward the lockout), a single-use link (32
// random bytes, SHA-256 at rest, EMAIL_VERIFICATION_TTL) goes to the new address, and only following it moves
// the account there (verified). The old address is then told. An address that already has an account gets no
// link and the answer is the same (no enumeration); redeeming checks again in the same transaction. Audited here:
// email.change_requested (success, or failure with the password's outcome) and email.changed.
import { randomToken, sha256 } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import type { EmailChangeQueries } from "../queries/email-changes.ts";
import type { User, UserQueries } from "../queries/users.ts";
import { normalizeEmail } from "./identifiers.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";
import type { AccountService } from "./accounts.ts";
import type { AuditService } from "./audit.ts";
import type { LockRequest } from "./sign-in-locks.ts";

export type EmailChangeRequestResult =
  { outcome: "sent" } | { outcome: "same_address" } | { outcome: "wrong_password" } | { outcome: "locked" };

export function createEmailChangeService(deps: {
  changes: EmailChangeQueries;
  users: UserQueries;
  notifications: Notifications;
  accounts: Pick<AccountService, "confirmPassword">;
  audit: AuditService;
  clock: Clock;
  issuer: string;
  ttlSeconds: number;
}) {
  const { changes, users, notifications, clock, audit } = deps;
  return {
    /**
     * the signed-in user asks to move to `email`, proving it with their password; `beforeSend` (the address's email
     * budget) runs only once the password is right; it may throw (429), and then nothing is sent
     */
    async request(
      user: User,
      input: { password: string; email: string },
      request: LockRequest,
      opts: { beforeSend?: () => Promise<void> } = {},
    ): Promise<EmailChangeRequestResult> {
      const info: RequestInfo = { ip: request.ip, userAgent: request.userAgent };
      const confirmed = await deps.accounts.confirmPassword(user, input.password, request);
      if (confirmed.outcome !== "ok") {
        await audit.record({
          type: "email.change_requested",
          outcome: "failure",
          userId: user.id,
          ...info,
          data: { reason: confirmed.outcome },
        });
        return { outcome: confirmed.outcome };
      }
      await opts.beforeSend?.();
      const newEmail = input.email.normalize("NFC").trim();
      if (normalizeEmail(newEmail) === user.emailNormalized) return { outcome: "same_address" };
      const taken = Boolean(await users.findByEmailNormalized(normalizeEmail(newEmail)));
      // the same work either way (a pending change to a taken address can never be redeemed), only no email
      const token = randomToken(32);
      const now = clock.now();
      await changes.replace(
        { userId: user.id, tokenHash: sha256(token), newEmail, expiresAt: new Date(now.getTime() + deps.ttlSeconds * 1000) },
        now,
      );
      if (!taken)
        await notifications.confirmEmailChange(user, newEmail, `${deps.issuer}/account/confirm-email?token=${token}`, deps.ttlSeconds);
      await audit.record({ type: "email.change_requested", outcome: "success", userId: user.id, ...info });
      return { outcome: "sent" };
    },

    async confirm(token: string, request: RequestInfo) {
      const result = await changes.redeem(sha256(token), normalizeEmail, clock.now());
      if (result.outcome === "changed") {
        const user = await users.findById(result.userId);
        if (user) await notifications.emailChanged(result.oldEmail, user, result.newEmail, request);
        await audit.record({
          type: "email.changed",
          outcome: "success",
          userId: result.userId,
          ...request,
          data: { from: result.oldEmail, to: result.newEmail },
        });
      }
      return result;
    },
  };
}

export type EmailChangeService = ReturnType<typeof createEmailChangeService>;
