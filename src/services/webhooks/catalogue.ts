// The webhook event types (docs/operations.md "Webhooks"): each is made from one or more audit event types, so a
// webhook is sent exactly when its audit event is written (in the same transaction, queries/webhooks.ts). Only
// the audit types listed here become webhooks; the rest (risk evaluations, page views, webhook administration
// itself) never leave the audit log.
export const WEBHOOK_EVENT_TYPES = {
  "user.created": {
    from: ["user.created", "user.registered"],
    description: "an account was created (registration, invitation, an administrator, the CLI)",
  },
  "user.updated": {
    from: ["profile.updated", "email.changed", "email.verified"],
    description: "a user changed their profile or email address, or verified it",
  },
  "user.deleted": { from: ["user.deleted", "account.deleted"], description: "an account was deleted (by its owner or an administrator)" },
  "user.disabled": { from: ["user.disabled"], description: "an administrator disabled an account" },
  "user.enabled": {
    from: ["user.enabled", "account.restored"],
    description: "an account was enabled again (by an administrator, or restored by its owner)",
  },
  "user.locked": { from: ["login.locked"], description: "sign-in was locked after repeated failures (account, device or network)" },
  "user.unlocked": {
    from: ["user.unlocked", "lockout.cleared"],
    description: "a lock was lifted (an administrator, an unlock link, a password reset)",
  },
  "user.password_changed": {
    from: ["password.changed", "password_reset.completed", "password.removed"],
    description: "a password was changed, reset or removed",
  },
  "user.mfa_changed": {
    from: ["two_factor.enabled", "two_factor.disabled", "user.two_factor_reset", "passkey.added", "passkey.removed"],
    description: "a second factor or passkey was added or removed",
  },
  "user.system_role_changed": { from: ["user.system_role_changed"], description: "a user's system (administrator) role changed" },
  "login.succeeded": { from: ["login.succeeded"], description: "a sign-in finished" },
  "login.failed": {
    from: ["login.failed", "login.second_factor_failed"],
    description: "a sign-in was refused (wrong password or code, locked, disabled, held)",
  },
  "session.ended": {
    from: ["session.logout", "session.revoked", "user.signed_out_everywhere"],
    description: "a user signed out, or sessions were ended by the user or an administrator",
  },
  "team.created": { from: ["team.created"], description: "a team was created" },
  "team.updated": { from: ["team.renamed", "team.mfa_required_changed"], description: "a team was renamed or its MFA requirement changed" },
  // team.member.joined: a just-in-time membership from a sign-in through the provider a team's domain is routed to
  // (federation/group-roles.ts, details.via "sso"); its role changes from groups are team.member.role_changed too
  "team.member_added": {
    from: ["team.invitation.accepted", "team.member.joined"],
    description: "someone joined a team (an accepted invitation, or a first single sign-on through the team's domain)",
  },
  "team.member_removed": { from: ["team.member.removed", "team.member.left"], description: "a member left or was removed from a team" },
  "team.member_role_changed": {
    from: ["team.member.role_changed", "team.ownership.transfer_accepted"],
    description: "a member's role changed (including an ownership transfer, and one that follows the provider's groups)",
  },
  "team.role_changed": {
    from: ["team.role.created", "team.role.updated", "team.role.deleted"],
    description: "a team role was created, changed or deleted",
  },
  "system_role.changed": { from: ["system_role.created", "system_role.updated"], description: "a system role was created or changed" },
  "client.created": { from: ["client.created"], description: "an OIDC client was registered" },
  "client.updated": { from: ["client.updated", "client.secret_rotated"], description: "an OIDC client's settings or secret changed" },
  "client.deleted": { from: ["client.deleted"], description: "an OIDC client was deleted" },
  "signing_key.rotated": { from: ["keys.rotated"], description: "the token signing key was rotated" },
} as const satisfies Record<string, { from: readonly string[]; description: string }>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;
export const WEBHOOK_TYPES = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventType[];

const byAuditType = new Map<string, WebhookEventType>(
  Object.entries(WEBHOOK_EVENT_TYPES).flatMap(([type, { from }]) => from.map((audit) => [audit, type as WebhookEventType] as const)),
);

/** the webhook type an audit event becomes, or null; only login.failed comes from failed events */
export function webhookTypeOf(auditType: string, outcome: string): WebhookEventType | null {
  const type = byAuditType.get(auditType) ?? null;
  if (type === null) return null;
  return outcome === "success" || type === "login.failed" ? type : null;
}

export const isWebhookType = (value: string): value is WebhookEventType => Object.hasOwn(WEBHOOK_EVENT_TYPES, value);
