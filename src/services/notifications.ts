// What Gatehouse tells a user by email about their account. One function per event; the mailer renders and
// queues it in the outbox (delivered in the background, retried). Security emails say where the request came from
// (IP, approximate location, browser, time). `prepare` renders the emails whose event is one transaction
// (registration, verification resend, reset request) as outbox rows for that transaction to write.
import type { User } from "../queries/users.ts";
import type { Mailer, MailMessage } from "./mail/mailer.ts";
import type { NewOutboxMessage } from "../queries/outbox.ts";
import type { Clock } from "../lib/clock.ts";
import type { RequestDescriber, RequestInfo } from "./request/describe.ts";
import { LOCALES } from "../lib/i18n/index.ts";
import type { HoldReason } from "./risk/rules/types.ts";
import { holdReasonsIn } from "./risk/words.ts";

export type { RequestInfo } from "./request/describe.ts";

/** `locale` and `timeZone`: the account's (lib/i18n); the email is in its language, else DEFAULT_LOCALE */
type Recipient = Pick<User, "email" | "username"> & { locale?: string | null; timeZone?: string | null };
const languageOf = (user: { locale?: string | null; timeZone?: string | null }) => ({
  locale: user.locale ?? null,
  timeZone: user.timeZone ?? null,
});

/** "al***@example.com": enough for the owner to recognise, not enough to hand out an address */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email.slice(0, Math.min(2, at))}***${email.slice(at)}`;
}

/** "7 days", "12 hours", "30 minutes": how long a link works */
function validFor(seconds: number): string {
  const [n, unit] =
    seconds >= 86400
      ? [Math.round(seconds / 86400), "day"]
      : seconds >= 3600
        ? [Math.round(seconds / 3600), "hour"]
        : [Math.max(1, Math.round(seconds / 60)), "minute"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

export function createNotifications(mailer: Mailer, describe: RequestDescriber, clock: Clock) {
  const verifyEmail = (user: Recipient, link: string, ttlSeconds: number): MailMessage => ({
    to: user.email,
    ...languageOf(user),
    template: "verify-email",
    locals: { username: user.username, link, hours: Math.round(ttlSeconds / 3600) },
  });
  const passwordReset = async (
    user: Recipient,
    link: string,
    ttlSeconds: number,
    request: RequestInfo,
    at: Date,
  ): Promise<MailMessage> => ({
    to: user.email,
    ...languageOf(user),
    template: "password-reset",
    locals: { username: user.username, link, minutes: Math.round(ttlSeconds / 60), from: await describe(request, at) },
  });
  return {
    /** these emails as outbox rows, for the caller's transaction to write; then `wake()` */
    prepare: {
      verifyEmail: (user: Recipient, link: string, ttlSeconds: number): Promise<NewOutboxMessage> =>
        mailer.compose(verifyEmail(user, link, ttlSeconds)),
      passwordReset: async (user: Recipient, link: string, ttlSeconds: number, request: RequestInfo, at: Date): Promise<NewOutboxMessage> =>
        mailer.compose(await passwordReset(user, link, ttlSeconds, request, at)),
      /** the account was erased (`how`: the user's request, an administrator's, or the end of a grace period), written with the erasure */
      accountDeleted: async (
        user: Recipient,
        request: RequestInfo,
        how: "self" | "admin" | "grace_period_ended",
      ): Promise<NewOutboxMessage> =>
        mailer.compose({
          to: user.email,
          ...languageOf(user),
          template: "account-deleted",
          locals: { username: user.username, how, from: await describe(request, clock.now()) },
        }),
      /** the account is disabled until `dueAt`, then erased; `link` restores it until then */
      accountDeletionScheduled: async (user: Recipient, link: string, dueAt: Date, request: RequestInfo): Promise<NewOutboxMessage> =>
        mailer.compose({
          to: user.email,
          ...languageOf(user),
          template: "account-deletion-scheduled",
          locals: {
            username: user.username,
            link,
            until: `${dueAt.toISOString().replace("T", " ").slice(0, 16)} UTC`,
            untilAt: dueAt,
            from: await describe(request, clock.now()),
          },
        }),
    },
    /** prepared rows were committed: send them now rather than at the outbox's next poll */
    wake: () => mailer.wake(),
    registrationAttempt: (user: Recipient, request: RequestInfo) =>
      mailer.send({
        to: user.email,
        ...languageOf(user),
        template: "registration-attempt",
        locals: { username: user.username, ip: request.ip ?? "an unknown address" },
      }),
    /**
     * `unlockLink`: the single-use link that lifts the lock (locks of the account by wrong passwords), valid
     * `unlockTtl` seconds; `device`: only this trusted browser of the owner's is locked (it is named; no link)
     */
    lockedOut: (
      user: User,
      lock: {
        until: Date;
        attempts: number;
        factor: "password" | "code";
        unlockLink?: string;
        unlockTtl?: number;
        device?: { label: string; trustedSince: Date };
      },
      request: RequestInfo,
    ) =>
      mailer.send({
        to: user.email,
        ...languageOf(user),
        template: "lockout",
        locals: {
          username: user.username,
          attempts: lock.attempts,
          factor: lock.factor,
          until: lock.until.toISOString().replace("T", " ").slice(0, 16),
          ip: request.ip ?? "an unknown address",
          userAgent: request.userAgent?.slice(0, 200) ?? null,
          unlockLink: lock.device ? null : (lock.unlockLink ?? null),
          unlockValidFor: lock.unlockTtl && !lock.device ? validFor(lock.unlockTtl) : null,
          unlockValidForSeconds: lock.unlockTtl && !lock.device ? lock.unlockTtl : null,
          untilAt: lock.until,
          device: lock.device
            ? { label: lock.device.label.slice(0, 200), trustedOn: lock.device.trustedSince.toISOString().slice(0, 10) }
            : null,
        },
      }),
    passwordChanged: async (user: Recipient, request: RequestInfo, via: "change" | "reset") =>
      mailer.send({
        to: user.email,
        ...languageOf(user),
        template: "password-changed",
        locals: { username: user.username, via, from: await describe(request, clock.now()) },
      }),
    twoFactorChanged: async (user: Recipient, request: RequestInfo, change: "enabled" | "disabled" | "backup_codes_regenerated") =>
      mailer.send({
        to: user.email,
        ...languageOf(user),
        template: "two-factor-changed",
        locals: { username: user.username, change, from: await describe(request, clock.now()) },
      }),
    /** a passkey or security key was added or removed (`byAdmin`: by an administrator), or refused as a likely clone; or the password was removed (passkeys only from now on) */
    passkeyChanged: async (
      user: Recipient,
      request: RequestInfo,
      change: "added" | "removed" | "cloned" | "password_removed",
      name: string,
      byAdmin = false,
    ) =>
      mailer.send({
        to: user.email,
        ...languageOf(user),
        template: "passkey-changed",
        locals: { username: user.username, change, name, byAdmin, from: await describe(request, clock.now()) },
      }),
    confirmEmailChange: (user: Pick<User, "username"> & { locale?: string | null }, newEmail: string, link: string, ttlSeconds: number) =>
      mailer.send({
        to: newEmail,
        ...languageOf(user),
        template: "confirm-email-change",
        locals: { username: user.username, link, hours: Math.round(ttlSeconds / 3600) },
      }),
    emailChanged: async (
      oldEmail: string,
      user: Pick<User, "username"> & { locale?: string | null },
      newEmail: string,
      request: RequestInfo,
    ) =>
      mailer.send({
        to: oldEmail,
        ...languageOf(user),
        template: "email-changed",
        locals: { username: user.username, newEmail: maskEmail(newEmail), from: await describe(request, clock.now()) },
      }),
    /** a team invitation (teamName and roleName) or an administrator invitation (systemRoleName) */
    invitation: (
      to: string,
      invite: { teamName?: string; roleName?: string; systemRoleName?: string; inviter: string; link: string; ttlSeconds: number },
    ) =>
      mailer.send({
        to,
        template: "team-invitation",
        locals: { ...invite, validFor: validFor(invite.ttlSeconds), validForSeconds: invite.ttlSeconds },
      }),
    /** the 6-digit code that approves a browser not yet trusted (never logged; only the email carries it) */
    /** "Email me a sign-in link" (services/magic-links/) */
    magicLink: async (user: Recipient, link: string, ttlSeconds: number, request: RequestInfo) =>
      mailer.send({
        to: user.email,
        ...languageOf(user),
        template: "magic-link",
        locals: {
          username: user.username,
          link,
          validFor: validFor(ttlSeconds),
          validForSeconds: ttlSeconds,
          from: await describe(request, clock.now()),
        },
      }),
    deviceCode: async (user: Recipient, code: string, ttlSeconds: number, request: RequestInfo) =>
      mailer.send({
        to: user.email,
        ...languageOf(user),
        template: "device-code",
        locals: {
          username: user.username,
          code,
          validFor: validFor(ttlSeconds),
          validForSeconds: ttlSeconds,
          from: await describe(request, clock.now()),
        },
      }),
    /**
     * a held sign-in: approve and deny links, and why it was held (the rules' reasons, said in every language: the
     * email takes those of the language it is rendered in)
     */
    suspiciousLogin: async (
      user: Recipient,
      hold: { approveLink: string; denyLink: string; reasons: HoldReason[]; ttlSeconds: number },
      request: RequestInfo,
    ) =>
      mailer.send({
        to: user.email,
        ...languageOf(user),
        template: "suspicious-login",
        locals: {
          username: user.username,
          ...hold,
          reasons: holdReasonsIn(LOCALES, hold.reasons),
          validFor: validFor(hold.ttlSeconds),
          validForSeconds: hold.ttlSeconds,
          from: await describe(request, clock.now()),
        },
      }),
    ownershipTransfer: (user: Recipient, transfer: { teamName: string; owner: string; link: string; ttlSeconds: number }) =>
      mailer.send({
        to: user.email,
        ...languageOf(user),
        template: "ownership-transfer",
        locals: { username: user.username, ...transfer, validFor: validFor(transfer.ttlSeconds), validForSeconds: transfer.ttlSeconds },
      }),
    /** to a team's Owner: an administrator started (or cancelled) a transfer of the team to `member` */
    ownershipTransferByAdmin: (
      owner: Recipient,
      notice: { change: "started" | "cancelled"; teamName: string; admin: string; member: string },
    ) =>
      mailer.send({
        to: owner.email,
        ...languageOf(owner),
        template: "ownership-transfer-admin",
        locals: { username: owner.username, ...notice },
      }),
  };
}

export type Notifications = ReturnType<typeof createNotifications>;
