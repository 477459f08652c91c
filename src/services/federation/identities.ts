// Whose account an upstream sign-in is (#17). A known identity (connector + upstream subject) is its account. A
// new one gets an account just in time (no password; the address verified only when the upstream says so AND
// the connector trusts it; a username derived from the upstream's and made unique). An existing account with the
// same address is NEVER taken over: the caller is told `link_required` (only with the upstream's trusted
// verified address) or `email_taken`, and nothing is created or linked.
import type { User } from "../../queries/users.ts";
import type { UserQueries } from "../../queries/users.ts";
import { isUniqueViolation, type ConnectorRow, type UpstreamConnectorQueries } from "../../queries/upstream-connectors.ts";
import type { NewAuditEvent } from "../../queries/audit-events.ts";
import { normalizeEmail, normalizeUsername, USERNAME_PATTERN } from "../identifiers.ts";
import type { UpstreamProfile } from "./claims.ts";

export type Resolved =
  | { outcome: "existing"; user: User }
  | { outcome: "created"; user: User }
  /** an account has this (upstream-verified, trusted) address: linking needs proof of that account */
  | { outcome: "link_required"; user: User; email: string }
  /** an account has this address, and the upstream's address is not verified (or not trusted): no link possible */
  | { outcome: "email_taken" }
  /** the upstream shared no email address: no account can be made */
  | { outcome: "no_email" };

type Request = { ip: string | null; userAgent: string | null; clientId?: string | null };

/** a username from the upstream's, or the address's local part: allowed characters only, 3-32 long */
export function usernameCandidate(profile: UpstreamProfile): string {
  const raw = (profile.username ?? profile.email?.split("@")[0] ?? profile.name ?? "user").normalize("NFC");
  const cleaned = raw
    .replace(/[^\p{L}\p{N}._-]+/gu, "-")
    .replace(/^[-._]+|[-._]+$/g, "")
    .slice(0, 24);
  return cleaned.length >= 3 ? cleaned : `user-${cleaned}`.slice(0, 24).replace(/-$/, "") || "user";
}

export function createFederatedAccounts(deps: {
  queries: UpstreamConnectorQueries;
  users: Pick<UserQueries, "findById" | "findByEmailNormalized" | "findByUsernameNormalized">;
  clock: { now(): Date };
  random: () => string;
}) {
  const { queries, users } = deps;

  async function freeUsername(base: string): Promise<string> {
    for (let i = 0; i < 6; i++) {
      const candidate = i === 0 ? base : `${base}-${deps.random()}`;
      if (USERNAME_PATTERN.test(candidate) && !(await users.findByUsernameNormalized(normalizeUsername(candidate)))) return candidate;
    }
    return `user-${deps.random()}${deps.random()}`;
  }

  return {
    async resolve(c: ConnectorRow, profile: UpstreamProfile, request: Request): Promise<Resolved> {
      const known = await queries.findIdentity(c.id, profile.subject);
      if (known) {
        const user = await users.findById(known.userId);
        if (user) {
          await queries.touchIdentity(known.id, deps.clock.now());
          return { outcome: "existing", user };
        }
      }
      if (!profile.email) return { outcome: "no_email" };
      const verified = profile.emailVerified && c.trustEmailVerified;
      const emailNormalized = normalizeEmail(profile.email);
      const holder = await users.findByEmailNormalized(emailNormalized);
      if (holder) return verified ? { outcome: "link_required", user: holder, email: profile.email } : { outcome: "email_taken" };
      const username = await freeUsername(usernameCandidate(profile));
      const at = deps.clock.now();
      const event = (userId: string, type: string, data: Record<string, string | boolean>): NewAuditEvent => ({
        type,
        outcome: "success",
        userId,
        actorId: userId,
        ip: request.ip,
        userAgent: request.userAgent,
        clientId: request.clientId ?? null,
        data,
      });
      try {
        const id = await queries.createLinkedAccount(
          {
            email: profile.email,
            emailNormalized,
            emailVerified: verified,
            username,
            usernameNormalized: normalizeUsername(username),
            name: profile.name,
            connectorId: c.id,
            subject: profile.subject,
            at,
          },
          (userId) => [
            event(userId, "user.created", { via: "federation", connector: c.slug, emailVerified: verified }),
            event(userId, "identity.linked", { connector: c.slug, justInTime: true }),
          ],
        );
        return { outcome: "created", user: (await users.findById(id))! };
      } catch (err) {
        // the same address or upstream subject arrived through a parallel sign-in: take what it made, never more
        if (!isUniqueViolation(err)) throw err;
        const again = await queries.findIdentity(c.id, profile.subject);
        const user = again ? await users.findById(again.userId) : null;
        if (user) return { outcome: "existing", user };
        return { outcome: "email_taken" };
      }
    },

    /** an account's identities, for /account and the data export */
    identitiesOf: (userId: string) => queries.identitiesOf(userId),

    /** the user removes one of their identities; refused when it is their last way to sign in; audited */
    unlink: (userId: string, id: string, request: Request) =>
      queries.unlinkUnlessLast(userId, id, (slug) => ({
        type: "identity.unlinked",
        outcome: "success",
        userId,
        actorId: userId,
        ip: request.ip,
        userAgent: request.userAgent,
        data: { connector: slug },
      })),
  };
}

export type FederatedAccounts = ReturnType<typeof createFederatedAccounts>;
