// "Export my data" (#21 item 4), one use case for the account page's download and `GET /api/v1/me/export`: the
// profile, teams and roles, sessions, trusted devices, second-factor and passkey metadata, login locations and the audit events
// about the user, as one JSON document. Only the caller's own rows (every statement filters on their id; there is
// no way to name another user), never a secret (no password hash, TOTP secret, backup code or device token hash,
// no emailed link). Audited as account.exported; the surfaces rate-limit it (RATE_LIMIT_EXPORT_PER_USER).
import type { Clock } from "../lib/clock.ts";
import type { AccountExportQueries } from "../queries/account-export.ts";
import { EXPORT_AUDIT_LIMIT } from "../queries/account-export.ts";
import type { AuditService } from "./audit.ts";

export const EXPORT_FORMAT = "gatehouse.account-export.v1" as const;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function createAccountExport(deps: { queries: AccountExportQueries; audit: AuditService; clock: Clock; issuer: string }) {
  const q = deps.queries;
  return {
    /** the whole export of `userId` (null when the account is gone); `request.via`: account_page or api */
    async exportFor(userId: string, request: { ip: string | null; userAgent: string | null; clientId?: string | null; via: string }) {
      const profile = await q.profile(userId);
      if (!profile) return null;
      const [hasPassword, memberships, sessions, devices, backupCodes, passkeys, locations, events, identities] = await Promise.all([
        q.hasPassword(userId),
        q.memberships(userId),
        q.sessions(userId),
        q.trustedDevices(userId),
        q.backupCodes(userId),
        q.passkeys(userId),
        q.loginLocations(userId),
        q.auditEvents(userId),
        q.linkedIdentities(userId),
      ]);
      const document = {
        format: EXPORT_FORMAT as typeof EXPORT_FORMAT,
        exportedAt: deps.clock.now().toISOString(),
        issuer: deps.issuer,
        profile: {
          id: profile.id,
          email: profile.email,
          username: profile.username,
          name: profile.name,
          emailVerified: profile.emailVerified,
          emailVerifiedAt: iso(profile.emailVerifiedAt),
          systemRole: profile.systemRole,
          disabled: profile.disabled,
          createdAt: iso(profile.createdAt),
          updatedAt: iso(profile.updatedAt),
          lastLoginAt: iso(profile.lastLoginAt),
          passwordChangedAt: iso(profile.passwordChangedAt),
          deletionDueAt: iso(profile.deletionDueAt),
        },
        credentials: {
          password: { set: hasPassword, changedAt: iso(profile.passwordChangedAt) },
          twoFactor: {
            totp: { enabled: profile.totpEnabledAt !== null, enabledAt: iso(profile.totpEnabledAt) },
            backupCodes: profile.totpEnabledAt ? backupCodes : { total: 0, unused: 0 },
          },
          passkeys: passkeys.map((k) => ({ ...k, createdAt: iso(k.createdAt), lastUsedAt: iso(k.lastUsedAt) })),
          /** sign-in providers (#17) this account is linked to */
          linkedIdentities: identities.map((i) => ({
            provider: i.connector.slug,
            providerName: i.connector.name,
            subject: i.subject,
            email: i.email,
            linkedAt: iso(i.createdAt),
            lastUsedAt: iso(i.lastUsedAt),
          })),
        },
        teams: memberships.map((m) => ({ team: m.team, role: m.role, joinedAt: iso(m.createdAt) })),
        sessions: sessions.map((s) => ({
          ...s,
          startedAt: iso(s.startedAt),
          lastActiveAt: iso(s.lastActiveAt),
          expiresAt: iso(s.expiresAt),
          endedAt: iso(s.endedAt),
        })),
        trustedDevices: devices.map((d) => ({
          ...d,
          createdAt: iso(d.createdAt),
          lastUsedAt: iso(d.lastUsedAt),
          expiresAt: iso(d.expiresAt),
          revokedAt: iso(d.revokedAt),
        })),
        loginLocations: locations.map((l) => ({ ...l, createdAt: iso(l.createdAt) })),
        auditEvents: events.map((e) => ({ ...e, id: e.id.toString(), createdAt: iso(e.createdAt) })),
        auditEventsTruncated: events.length >= EXPORT_AUDIT_LIMIT,
      };
      await deps.audit.record({
        type: "account.exported",
        outcome: "success",
        userId,
        actorId: userId,
        ip: request.ip,
        userAgent: request.userAgent,
        clientId: request.clientId ?? null,
        data: { via: request.via, sessions: sessions.length, auditEvents: events.length },
      });
      return document;
    },
  };
}

export type AccountExport = ReturnType<typeof createAccountExport>;
export type AccountExportDocument = NonNullable<Awaited<ReturnType<AccountExport["exportFor"]>>>;
