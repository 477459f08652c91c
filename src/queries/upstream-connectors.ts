// upstream_connectors and linked_identities rows (#17): the upstream identity providers admins configure, and
// each account's identities at them (the upstream subject, unique per connector). No rules here: the federation
// services decide; a connector with linked identities cannot be deleted (the foreign key restricts it).
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { trimmedAudit, type NewAuditEvent } from "./audit-events.ts";

export type ClaimsMapping = { subject?: string; email?: string; emailVerified?: string; name?: string; username?: string; groups?: string };

export type ConnectorRow = {
  id: string;
  kind: string;
  slug: string;
  name: string;
  preset: string | null;
  enabled: boolean;
  issuer: string | null;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  userinfoEndpoint: string | null;
  emailsEndpoint: string | null;
  clientId: string;
  clientSecretEncrypted: string;
  scopes: string[];
  claimsMapping: ClaimsMapping;
  trustEmailVerified: boolean;
  /** saml: the IdP's signing certificates */
  samlCertificates: string[];
  /** how Gatehouse authenticates at the token endpoint; private_key_jwt signs with the first of clientKeys */
  tokenAuthMethod: string;
  clientKeys: ConnectorKey[];
  createdAt: Date;
  updatedAt: Date;
};
/** a private_key_jwt signing key: the private JWK only encrypted with the master key (services/federation/connector-keys.ts) */
export type ConnectorKey = { kid: string; alg: string; publicJwk: Record<string, string>; privateEncrypted: string; createdAt: string };
export type ConnectorData = Omit<ConnectorRow, "id" | "createdAt" | "updatedAt">;

export type LinkedIdentityRow = {
  id: string;
  userId: string;
  connectorId: string;
  subject: string;
  email: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
};
export type LinkedIdentityView = LinkedIdentityRow & { connector: { slug: string; name: string } };

const asRow = (r: Omit<ConnectorRow, "claimsMapping" | "clientKeys"> & { claimsMapping: unknown; clientKeys: unknown }): ConnectorRow => ({
  ...r,
  claimsMapping: (r.claimsMapping ?? {}) as ClaimsMapping,
  clientKeys: (Array.isArray(r.clientKeys) ? r.clientKeys : []) as ConnectorKey[],
});

/** a unique constraint refused the write (a slug or an upstream subject already taken) */
export const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === "P2002";
/** a foreign key refused the delete (identities are still linked) */
export const isRestricted = (err: unknown) => ["P2003", "P2014"].includes(String((err as { code?: string }).code));

export function createUpstreamConnectorQueries(db: PrismaClient) {
  return {
    list: async (): Promise<ConnectorRow[]> =>
      (await db.upstreamConnector.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map(asRow),
    listEnabled: async (): Promise<ConnectorRow[]> =>
      (await db.upstreamConnector.findMany({ where: { enabled: true }, orderBy: [{ name: "asc" }] })).map(asRow),
    find: async (id: string): Promise<ConnectorRow | null> =>
      ((r) => (r ? asRow(r) : null))(await db.upstreamConnector.findUnique({ where: { id } })),
    findBySlug: async (slug: string): Promise<ConnectorRow | null> =>
      ((r) => (r ? asRow(r) : null))(await db.upstreamConnector.findUnique({ where: { slug } })),
    /** `id` is chosen by the caller: the secret's envelope is bound to it */
    create: async (id: string, data: ConnectorData): Promise<ConnectorRow> =>
      asRow(
        await db.upstreamConnector.create({
          data: {
            id,
            ...data,
            claimsMapping: data.claimsMapping as Prisma.InputJsonValue,
            clientKeys: data.clientKeys as Prisma.InputJsonValue,
          },
        }),
      ),
    update: async (id: string, data: Partial<ConnectorData>): Promise<ConnectorRow | null> => {
      const { claimsMapping, clientKeys, ...rest } = data;
      const rows = await db.upstreamConnector.updateManyAndReturn({
        where: { id },
        data: {
          ...rest,
          ...(claimsMapping ? { claimsMapping: claimsMapping as Prisma.InputJsonValue } : {}),
          ...(clientKeys ? { clientKeys: clientKeys as Prisma.InputJsonValue } : {}),
        },
      });
      return rows[0] ? asRow(rows[0]) : null;
    },
    remove: async (id: string): Promise<boolean> => (await db.upstreamConnector.deleteMany({ where: { id } })).count > 0,
    countLinked: (connectorId: string): Promise<number> => db.linkedIdentity.count({ where: { connectorId } }),

    findIdentity: (connectorId: string, subject: string): Promise<LinkedIdentityRow | null> =>
      db.linkedIdentity.findUnique({ where: { connectorId_subject: { connectorId, subject } } }),
    linkIdentity: (data: {
      userId: string;
      connectorId: string;
      subject: string;
      email: string | null;
      at: Date;
    }): Promise<LinkedIdentityRow> =>
      db.linkedIdentity.create({
        data: {
          userId: data.userId,
          connectorId: data.connectorId,
          subject: data.subject,
          email: data.email,
          createdAt: data.at,
          lastUsedAt: data.at,
        },
      }),
    touchIdentity: async (id: string, at: Date): Promise<void> => {
      await db.linkedIdentity.updateMany({ where: { id }, data: { lastUsedAt: at } });
    },
    identitiesOf: (userId: string): Promise<LinkedIdentityView[]> =>
      db.linkedIdentity.findMany({
        where: { userId },
        orderBy: [{ createdAt: "asc" }],
        include: { connector: { select: { slug: true, name: true } } },
      }),
    /**
     * removes one of the user's identities unless it is their last way in (no password, no passkey, no other
     * identity at an enabled connector); the user's row is locked first, as the passkey removal does, so two
     * removals at once run one after the other and the second sees what the first left
     */
    unlinkUnlessLast: (userId: string, id: string, event: (slug: string) => NewAuditEvent) =>
      db.$transaction(
        async (tx): Promise<{ outcome: "unlinked"; slug: string } | { outcome: "not_found" } | { outcome: "last_way_in" }> => {
          await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
          const link = await tx.linkedIdentity.findFirst({ where: { id, userId }, include: { connector: { select: { slug: true } } } });
          if (!link) return { outcome: "not_found" };
          const user = await tx.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
          const passkeys = await tx.passkey.count({ where: { userId } });
          const others = await tx.linkedIdentity.count({ where: { userId, id: { not: id }, connector: { enabled: true } } });
          if (!user?.passwordHash && passkeys === 0 && others === 0) return { outcome: "last_way_in" };
          await tx.linkedIdentity.delete({ where: { id } });
          await tx.auditEvent.create({ data: trimmedAudit(event(link.connector.slug)) });
          return { outcome: "unlinked", slug: link.connector.slug };
        },
      ),
    /**
     * a just-in-time account (no password) with its identity at the connector and the audit events, in one
     * transaction; the account row is returned as created (a unique clash on email or username throws P2002)
     */
    createLinkedAccount: (
      data: {
        email: string;
        emailNormalized: string;
        emailVerified: boolean;
        username: string;
        usernameNormalized: string;
        name: string | null;
        connectorId: string;
        subject: string;
        at: Date;
      },
      events: (userId: string) => NewAuditEvent[],
    ) =>
      db.$transaction(async (tx) => {
        const user = await tx.user.create({
          data: {
            email: data.email,
            emailNormalized: data.emailNormalized,
            emailVerified: data.emailVerified,
            emailVerifiedAt: data.emailVerified ? data.at : null,
            username: data.username,
            usernameNormalized: data.usernameNormalized,
            name: data.name,
            createdAt: data.at,
          },
        });
        await tx.linkedIdentity.create({
          data: {
            userId: user.id,
            connectorId: data.connectorId,
            subject: data.subject,
            email: data.email,
            createdAt: data.at,
            lastUsedAt: data.at,
          },
        });
        await tx.auditEvent.createMany({ data: events(user.id).map(trimmedAudit) });
        return user.id;
      }),
  };
}

export type UpstreamConnectorQueries = ReturnType<typeof createUpstreamConnectorQueries>;
