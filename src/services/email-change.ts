// Changing the email address while signed in: the current password is required (checked by the caller), a single-use link (32
// random bytes, SHA-256 at rest, EMAIL_VERIFICATION_TTL) goes to the new address, and only following it moves
// the account there (verified). The old address is then told. An address that already has an account gets no
// link and the answer is the same (no enumeration); redeeming checks again in the same transaction.
import { randomToken, sha256 } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import type { EmailChangeQueries } from "../queries/email-changes.ts";
import type { User, UserQueries } from "../queries/users.ts";
import { normalizeEmail } from "./identifiers.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";

export type EmailChangeRequestResult = { outcome: "sent" } | { outcome: "same_address" };

export function createEmailChangeService(deps: {
  changes: EmailChangeQueries;
  users: UserQueries;
  notifications: Notifications;
  clock: Clock;
  issuer: string;
  ttlSeconds: number;
}) {
  const { changes, users, notifications, clock } = deps;
  return {
    /** the caller has confirmed the current password (accounts.confirmPassword: locks and counts like a sign-in) */
    async request(user: User, newEmailInput: string): Promise<EmailChangeRequestResult> {
      const newEmail = newEmailInput.normalize("NFC").trim();
      if (normalizeEmail(newEmail) === user.emailNormalized) return { outcome: "same_address" };
      const taken = Boolean(await users.findByEmailNormalized(normalizeEmail(newEmail)));
      // the same work either way (a pending change to a taken address can never be redeemed), only no email
      const token = randomToken(32);
      const now = clock.now();
      await changes.replace({ userId: user.id, tokenHash: sha256(token), newEmail, expiresAt: new Date(now.getTime() + deps.ttlSeconds * 1000) }, now);
      if (!taken) await notifications.confirmEmailChange(user, newEmail, `${deps.issuer}/account/confirm-email?token=${token}`, deps.ttlSeconds);
      return { outcome: "sent" };
    },

    async confirm(token: string, request: RequestInfo) {
      const result = await changes.redeem(sha256(token), normalizeEmail, clock.now());
      if (result.outcome === "changed") {
        const user = await users.findById(result.userId);
        if (user) await notifications.emailChanged(result.oldEmail, user, result.newEmail, request);
      }
      return result;
    },
  };
}

export type EmailChangeService = ReturnType<typeof createEmailChangeService>;
