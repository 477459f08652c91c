// Registration and email verification. A new account must verify its email before the first sign-in.
// Registering an address that already has an account looks exactly the same to the person registering (same
// page, a password hash computed all the same); the address's owner gets an email instead. Verification
// links carry 32 random bytes; only their SHA-256 is stored; single use; they expire (24 h by default).
import { randomToken, sha256 } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import type { UserQueries } from "../queries/users.ts";
import type { EmailVerificationQueries } from "../queries/email-verifications.ts";
import { normalizeEmail, normalizeUsername, USERNAME_PATTERN } from "./identifiers.ts";
import type { PasswordService } from "./passwords.ts";
import type { PasswordPolicy } from "./password-policy.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";

export type RegistrationInput = { username: string; email: string; password: string };
export type RegistrationResult =
  | { outcome: "check_email"; userId: string | null }
  /** administrator registration asked for after the first administrator exists */
  | { outcome: "closed" }
  | { outcome: "invalid"; field: "username" | "password"; message: string };

export function createRegistrationService(deps: {
  users: UserQueries;
  verifications: EmailVerificationQueries;
  passwords: PasswordService;
  policy: PasswordPolicy;
  notifications: Notifications;
  clock: Clock;
  issuer: string;
  verificationTtlSeconds: number;
}) {
  const { users, verifications, passwords, policy, notifications, clock } = deps;

  async function sendVerification(user: { id: string; email: string; username: string }): Promise<void> {
    const token = randomToken(32);
    const now = clock.now();
    await verifications.replace({ userId: user.id, tokenHash: sha256(token), email: user.email, expiresAt: new Date(now.getTime() + deps.verificationTtlSeconds * 1000) }, now);
    await notifications.verifyEmail(user, `${deps.issuer}/verify-email?token=${token}`, deps.verificationTtlSeconds);
  }

  return {
    /**
     * A new account; with `systemRole`, the first-run administrator (only while no administrator exists).
     * Teams come later: Door A (a new team) and Door B (an invitation) hook in after the account is created.
     */
    async register(input: RegistrationInput, request: RequestInfo, opts: { systemRole?: string; beforeEmail?: (emailNormalized: string) => Promise<void> } = {}): Promise<RegistrationResult> {
      const email = input.email.normalize("NFC").trim();
      const username = input.username.normalize("NFC").trim();
      if (!USERNAME_PATTERN.test(username)) return { outcome: "invalid", field: "username", message: "Usernames have 3 to 32 letters, digits, dots, dashes or underscores." };
      const verdict = policy.check(input.password, { email, username });
      if (!verdict.ok) return { outcome: "invalid", field: "password", message: verdict.message };
      // from here on an email goes out (a verification link, or a notice to the address's owner): the caller's
      // per-address budget is spent now, not by typos and weak passwords above
      await opts.beforeEmail?.(normalizeEmail(email));

      const existing = await users.findByEmailNormalized(normalizeEmail(email));
      if (existing) {
        await passwords.hash(input.password); // the same work as a new account: the answer's timing tells nothing
        await notifications.registrationAttempt(existing, request);
        return { outcome: "check_email", userId: null };
      }
      if (await users.findByUsernameNormalized(normalizeUsername(username))) {
        return { outcome: "invalid", field: "username", message: "That username is taken. Please choose another." };
      }
      const passwordHash = await passwords.hash(input.password);
      let user;
      try {
        const row = { email, emailNormalized: normalizeEmail(email), username, usernameNormalized: normalizeUsername(username), passwordHash };
        if (opts.systemRole) {
          user = await users.createFirstAdmin({ ...row, systemRole: opts.systemRole });
          if (!user) return { outcome: "closed" };
        } else {
          user = await users.create({ ...row, emailVerified: false });
        }
      } catch (err) {
        // a parallel registration took the address or the username a moment ago
        if ((err as { code?: string }).code !== "P2002") throw err;
        return { outcome: "check_email", userId: null };
      }
      await sendVerification(user);
      return { outcome: "check_email", userId: user.id };
    },

    /** "resend verification": always the same answer; only an unverified account gets a new link */
    /** the id of the account that got a new link, or null (never shown: the page answers the same) */
    async resendVerification(email: string): Promise<string | null> {
      const user = await users.findByEmailNormalized(normalizeEmail(email));
      if (!user || user.emailVerified || user.disabled) return null;
      await sendVerification(user);
      return user.id;
    },

    /** the verified user's id, or null for an unknown, used or expired link */
    verify: (token: string) => verifications.redeem(sha256(token), clock.now()),
  };
}

export type RegistrationService = ReturnType<typeof createRegistrationService>;
