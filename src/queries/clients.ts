// OIDC client rows: the only Prisma access for clients.
import type { PrismaClient, OidcClient, ClientType } from "../generated/prisma/client.ts";

export type { OidcClient, ClientType };

export type NewClient = {
  id: string;
  name: string;
  type: ClientType;
  secretHash: string | null;
  tokenEndpointAuthMethod: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  scope: string;
  resources: string[];
  firstParty: boolean;
  backchannelLogoutUri: string | null;
  permissionNamespace?: string | null;
  idTokenSigningAlg?: string | null;
  endsWithSession?: boolean;
  offlineAccessWithoutPrompt?: boolean;
};

/** what an admin may change on a client (not its id, type or secret) */
export type ClientChanges = Pick<
  NewClient,
  "name" | "redirectUris" | "postLogoutRedirectUris" | "grantTypes" | "scope" | "resources" | "firstParty" | "backchannelLogoutUri"
> & {
  permissionNamespace: string | null;
  idTokenSigningAlg: string | null;
  endsWithSession: boolean;
  offlineAccessWithoutPrompt: boolean;
};

export function createClientQueries(db: PrismaClient) {
  return {
    findById: (id: string) => db.oidcClient.findUnique({ where: { id } }),
    list: () => db.oidcClient.findMany({ orderBy: { createdAt: "asc" } }),
    create: (data: NewClient) => db.oidcClient.create({ data }),
    setSecretHash: (id: string, secretHash: string, at: Date) =>
      db.oidcClient.update({ where: { id }, data: { secretHash, secretRotatedAt: at } }),
    update: (id: string, data: ClientChanges) => db.oidcClient.update({ where: { id }, data }),
    /** deletes the row; the number deleted (0 when it was already gone) */
    delete: async (id: string) => (await db.oidcClient.deleteMany({ where: { id } })).count,
  };
}

export type ClientQueries = ReturnType<typeof createClientQueries>;
