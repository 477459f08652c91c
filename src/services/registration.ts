// Registration and email verification. A new account must verify its email before the first sign-in.
// Registering an address that already has an account looks exactly the same to the person registering (same
// page, a password hash computed all the same, the same database statements rehearsed and rolled back, so the
// answer takes as long); the address's owner gets an email instead. Verification
// links carry 32 random bytes; only their SHA-256 is stored; single use; they expire (24 h by default).
// Door A: the registration also creates a team with the new user as its Owner; the team is checked before the
// account exists, so a taken team address refuses the registration and leaves nothing behind. Door B: a
// registration from an invitation link remembers the link with the pending account (in Redis, until the
// invitation expires) so that the account joins the team once its address is verified. The account, its team, its
// verification link, the registration's audit events and the verification email (an outbox row) are one
// transaction (queries/registrations.ts); the email goes out after the commit, and a crash cannot lose it.
import { randomToken, sha256, encryptSecret, decryptSecret } from "../lib/crypto.ts";
import type { Clock } from "../lib/clock.ts";
import type { UserQueries } from "../queries/users.ts";
import type { EmailVerificationQueries } from "../queries/email-verifications.ts";
import type { NewRegistration, RegistrationQueries } from "../queries/registrations.ts";
import { normalizeEmail, normalizeUsername, USERNAME_PATTERN } from "./identifiers.ts";
import type { PasswordService } from "./passwords.ts";
import type { PasswordPolicy } from "./password-policy.ts";
import type { Notifications, RequestInfo } from "./notifications.ts";
import type { TeamService } from "./teams.ts";
import type { AuditService } from "./audit.ts";
import type { TeamQueries } from "../queries/teams.ts";
import type { RedisClient } from "../db/redis.ts";
import type { NewVirtuozzoLink } from "../queries/virtuozzo-links.ts";

/** `team`: Door A, a new team the user will own (slug derived from the name when empty); `platform`: its Virtuozzo account (with the plugin on) */
/** `locale`: the language the sign-up page was shown in (lib/i18n), kept as the account's for its pages and emails */
export type RegistrationInput = {
  username: string;
  email: string;
  password: string;
  locale?: string;
  team?: { name: string; slug?: string; platform?: DoorAPlatform };
};
export type DoorAPlatform = { login: string; password: string; platformUrl?: string };
/**
 * Door A's billing check (the Virtuozzo plugin, services/virtuozzo/): the platform account's group type must be
 * allowed before a team is made (a refusal's message, or what passed); `teamLink` gives the new team's link row (its
 * password sealed for that team), written in the registration's own transaction (so is its `virtuozzo.linked` event)
 */
export type DoorACheck = {
  check(
    platform: DoorAPlatform | undefined,
    request: RequestInfo,
  ): Promise<{ ok: true; groupType: string; platformUrl: string } | { ok: false; message: string }>;
  teamLink(
    platform: DoorAPlatform,
    checked: { groupType: string; platformUrl: string },
  ): (ids: { teamId: string; userId: string }) => NewVirtuozzoLink;
};
export type RegistrationResult =
  | { outcome: "check_email"; userId: string | null; team?: { id: string; slug: string } }
  /** administrator registration asked for after the first administrator exists */
  | { outcome: "closed" }
  | { outcome: "invalid"; field: "username" | "password" | "teamName" | "teamSlug" | "platform"; message: string };

const SLUG_TAKEN = "That team address is taken. Please choose another.";

export function createRegistrationService(deps: {
  users: UserQueries;
  verifications: EmailVerificationQueries;
  registrations: RegistrationQueries;
  passwords: PasswordService;
  policy: PasswordPolicy;
  notifications: Notifications;
  audit: AuditService;
  clock: Clock;
  issuer: string;
  verificationTtlSeconds: number;
  teams: Pick<TeamService, "validateTeam" | "builtInRoles">;
  teamQueries: Pick<TeamQueries, "findBySlug">;
  redis: RedisClient;
  masterKey: Buffer;
  /** Door A's billing check, when the Virtuozzo plugin is on */
  doorA?: DoorACheck;
}) {
  const { users, verifications, passwords, policy, notifications, clock, teams } = deps;

  const invitationKey = (userId: string) => `registration:invitation:{${userId}}`;
  const returnKey = (userId: string) => `registration:return:{${userId}}`;
  const slugReservation = (slug: string) => `registration:slug:{${slug}}`;

  /** a new verification link (its hash to store, the link to send) */
  function newLink() {
    const token = randomToken(32);
    return {
      tokenHash: sha256(token),
      expiresAt: new Date(clock.now().getTime() + deps.verificationTtlSeconds * 1000),
      url: `${deps.issuer}/verify-email?token=${token}`,
    };
  }
  const isSlugConflict = (err: unknown) => /slug/.test(JSON.stringify((err as { meta?: unknown }).meta ?? {}));

  async function sendVerification(user: { id: string; email: string; username: string; locale?: string | null }): Promise<void> {
    const link = newLink();
    const mail = await notifications.prepare.verifyEmail(user, link.url, deps.verificationTtlSeconds);
    await verifications.replace({ userId: user.id, tokenHash: link.tokenHash, email: user.email, expiresAt: link.expiresAt }, clock.now(), [
      mail,
    ]);
    notifications.wake();
  }

  return {
    /**
     * A new account; with `input.team`, also its team (Door A); with `systemRole`, the first-run administrator
     * (only while no administrator exists). Checks run in the form's order, so the first message is the first
     * field's; everything a refusal depends on (the team address too) is decided before the address is looked
     * up, so an address that has an account gets the same answer as one that has none.
     */
    async register(
      input: RegistrationInput,
      request: RequestInfo,
      opts: {
        systemRole?: string;
        beforeEmail?: (emailNormalized: string) => Promise<void>;
        /** Door B: the invitation link the account came with, kept until it is verified (or the link expires) */
        invitation?: { token: string; expiresAt: Date };
        /** what the `user.registered` event says besides the team (the invitation, the first run) */
        auditData?: Record<string, string | boolean>;
      } = {},
    ): Promise<RegistrationResult> {
      const email = input.email.normalize("NFC").trim();
      const username = input.username.normalize("NFC").trim();
      if (!USERNAME_PATTERN.test(username))
        return { outcome: "invalid", field: "username", message: "Usernames have 3 to 32 letters, digits, dots, dashes or underscores." };
      const verdict = await policy.check(input.password, { email, username, extra: input.team ? [input.team.name] : [] });
      if (!verdict.ok) return { outcome: "invalid", field: "password", message: verdict.message };
      const team = input.team ? teams.validateTeam(input.team) : undefined;
      if (input.team && !input.team.name.trim()) return { outcome: "invalid", field: "teamName", message: "Enter a name for your team." };
      if (team && "outcome" in team) return team;
      // a taken team address says nothing about any account: it may be refused openly, before anything exists
      if (team && ((await deps.teamQueries.findBySlug(team.slug)) || (await deps.redis.exists(slugReservation(team.slug)))))
        return { outcome: "invalid", field: "teamSlug", message: SLUG_TAKEN };
      // Door A's billing check depends on the platform account alone, never on the address: refused openly, nothing made
      const billing = team && deps.doorA ? await deps.doorA.check(input.team?.platform, request) : undefined;
      if (billing && !billing.ok) return { outcome: "invalid", field: "platform", message: billing.message };
      // from here on an email goes out (a verification link, or a notice to the address's owner): the caller's
      // per-address budget is spent now, not by typos and weak passwords above
      await opts.beforeEmail?.(normalizeEmail(email));

      // a taken username says nothing about the address either: both paths ask it, before the address is looked up
      if (await users.findByUsernameNormalized(normalizeUsername(username))) {
        return { outcome: "invalid", field: "username", message: "That username is taken. Please choose another." };
      }
      const existing = await users.findByEmailNormalized(normalizeEmail(email));
      const passwordHash = await passwords.hash(input.password);
      const link = newLink();
      // Door A with the Virtuozzo plugin: the team's link is part of the registration (also when rehearsed)
      const linkOf = team && billing?.ok && input.team?.platform ? deps.doorA!.teamLink(input.team.platform, billing) : undefined;
      const registration = (row: { email: string; username: string; slug?: string }): NewRegistration => {
        const slug = row.slug ?? team?.slug;
        return {
          user: {
            email: row.email,
            emailNormalized: normalizeEmail(row.email),
            username: row.username,
            usernameNormalized: normalizeUsername(row.username),
            passwordHash,
            locale: input.locale ?? null,
          },
          systemRole: opts.systemRole,
          team: team && slug ? { name: team.name, slug, roles: teams.builtInRoles() } : undefined,
          verification: { tokenHash: link.tokenHash, expiresAt: link.expiresAt },
          ...(linkOf && slug ? { teamLink: linkOf } : {}),
          events: ({ userId, teamId }) => [
            {
              type: "user.registered",
              outcome: "success",
              userId,
              ...request,
              data: { ...(teamId ? { teamId } : {}), ...(opts.auditData ?? {}) },
            },
            ...(teamId && slug
              ? [{ type: "team.created", outcome: "success" as const, userId, ...request, data: { teamId, slug, via: "registration" } }]
              : []),
            ...(teamId && linkOf && billing?.ok
              ? [
                  {
                    type: "virtuozzo.linked",
                    outcome: "success" as const,
                    userId,
                    actorId: userId,
                    ...request,
                    data: { teamId, platformUrl: billing.platformUrl, groupType: billing.groupType, via: "registration" },
                  },
                ]
              : []),
          ],
        };
      };
      if (existing) {
        // a new account would have taken the team address; so does this attempt, for as long as a verification
        // link lives, or the address's state would tell whether the email has an account
        if (team) await deps.redis.set(slugReservation(team.slug), "1", "EX", deps.verificationTtlSeconds);
        // the same work as a new account, rolled back (names no one has): the answer's timing tells nothing
        const stand = randomToken(9)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, "0");
        await deps.registrations.rehearse(
          registration({ email: `rehearsal-${stand}@gatehouse.invalid`, username: `rehearsal_${stand}`, slug: `rehearsal-${stand}` }),
        );
        await notifications.registrationAttempt(existing, request);
        return { outcome: "check_email", userId: null };
      }
      let made;
      try {
        const mail = await notifications.prepare.verifyEmail(
          { email, username, locale: input.locale ?? null },
          link.url,
          deps.verificationTtlSeconds,
        );
        made = await deps.registrations.create({ ...registration({ email, username }), outbox: [mail] });
      } catch (err) {
        if ((err as { code?: string }).code !== "P2002") throw err;
        // another registration took the team address since the check: refuse like the check does (nothing was made)
        if (team && isSlugConflict(err)) return { outcome: "invalid", field: "teamSlug", message: SLUG_TAKEN };
        // a parallel registration took the address or the username a moment ago
        return { outcome: "check_email", userId: null };
      }
      if (!made) return { outcome: "closed" };
      const user = { id: made.userId, email, username };
      const created = made.team ?? undefined;
      const keep = opts.invitation ? Math.floor((opts.invitation.expiresAt.getTime() - clock.now().getTime()) / 1000) : 0;
      // sealed with the master key: a token at rest is never readable from Redis alone
      if (opts.invitation && keep > 0)
        await deps.redis.set(
          invitationKey(user.id),
          encryptSecret(deps.masterKey, opts.invitation.token, invitationKey(user.id)),
          "EX",
          keep,
        );
      notifications.wake(); // the verification email was committed with the account
      return { outcome: "check_email", userId: user.id, ...(created ? { team: created } : {}) };
    },

    /**
     * "resend verification": always the same answer; only an unverified account gets a new link (audited as
     * email.verification_resent). The id of the account that got one, or null (never shown: the page answers the same)
     */
    async resendVerification(email: string, request: RequestInfo): Promise<string | null> {
      const user = await users.findByEmailNormalized(normalizeEmail(email));
      if (!user || user.emailVerified || user.disabled) return null;
      await sendVerification(user);
      await deps.audit.record({ type: "email.verification_resent", outcome: "success", userId: user.id, ...request });
      return user.id;
    },

    /** the verified user's id (audited as email.verified), or null for an unknown, used or expired link */
    async verify(token: string, request: RequestInfo): Promise<string | null> {
      const userId = await verifications.redeem(sha256(token), clock.now());
      if (userId) await deps.audit.record({ type: "email.verified", outcome: "success", userId, ...request });
      return userId;
    },

    /**
     * A registration (or a resent link) that began at a relying party's sign-in: the app's authorization request
     * parameters, kept sealed with the account until its address is verified (at most as long as a link lives),
     * so that the verification can send the browser back to that request (takeReturn).
     */
    async keepReturn(userId: string, params: Record<string, string>): Promise<void> {
      const key = returnKey(userId);
      await deps.redis.set(key, encryptSecret(deps.masterKey, JSON.stringify(params), key), "EX", deps.verificationTtlSeconds);
    },

    /** the authorization request kept by keepReturn (once: it is forgotten as it is handed out) */
    async takeReturn(userId: string): Promise<Record<string, string> | null> {
      const key = returnKey(userId);
      const [[, sealed]] = (await deps.redis.multi().get(key).del(key).exec()) as [[Error | null, string | null], unknown];
      if (!sealed) return null;
      const parsed: unknown = JSON.parse(decryptSecret(deps.masterKey, sealed, key));
      return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : null;
    },

    /** the invitation link a new account registered with (once: it is forgotten as it is handed out) */
    async takeInvitation(userId: string): Promise<string | null> {
      const key = invitationKey(userId);
      const [[, sealed]] = (await deps.redis.multi().get(key).del(key).exec()) as [[Error | null, string | null], unknown];
      return sealed ? decryptSecret(deps.masterKey, sealed, key) : null;
    },
  };
}

export type RegistrationService = ReturnType<typeof createRegistrationService>;
