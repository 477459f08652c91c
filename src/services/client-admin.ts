// The provider admins' client actions, one use case for the admin pages, the REST API and the CLI: register,
// change settings (a change names only what it changes; the rest stays as the client has it, so a page without a
// scope field or a PATCH of one field never resets the others), rotate a confidential client's secret, delete.
// Each is audited as client.<action> with the admin and the surface (`via`). Outcomes are unions; a namespace
// clash throws ClientNamespaceError as the client service does.
import { auditedBy, surfaceOf, type SurfaceActor } from "./admin-actor.ts";
import type { AuditService } from "./audit.ts";
import type { ClientEditInput, ClientService, NewClientInput } from "./clients.ts";
import type { OidcClient } from "../queries/clients.ts";

export type ClientActor = SurfaceActor;

export function createClientAdmin(deps: { clients: ClientService; audit: AuditService }) {
  const { clients } = deps;
  const audited = (type: string, client: Pick<OidcClient, "id" | "name">, actor: ClientActor, data: Record<string, unknown> = {}) =>
    deps.audit.record({
      type,
      outcome: "success",
      clientId: client.id,
      ...auditedBy(actor),
      data: { name: client.name, ...data, ...surfaceOf(actor) },
    });

  /** the client's settings as an edit starts from them */
  const settingsOf = (c: OidcClient): ClientEditInput => ({
    name: c.name,
    redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    grantTypes: c.grantTypes as ClientEditInput["grantTypes"],
    scope: c.scope,
    resources: c.resources,
    firstParty: c.firstParty,
    backchannelLogoutUri: c.backchannelLogoutUri,
    permissionNamespace: c.permissionNamespace,
    idTokenSigningAlg: c.idTokenSigningAlg as ClientEditInput["idTokenSigningAlg"],
    endsWithSession: c.endsWithSession,
    offlineAccessWithoutPrompt: c.offlineAccessWithoutPrompt,
  });

  return {
    async create(input: NewClientInput, actor: ClientActor): Promise<{ client: OidcClient; secret: string | null }> {
      const made = await clients.create(input);
      await audited("client.created", made.client, actor, { type: made.client.type });
      return made;
    },

    /** changes what `changes` names (undefined: keep); not_found when the client is gone */
    async update(
      id: string,
      changes: Partial<ClientEditInput>,
      actor: ClientActor,
    ): Promise<{ outcome: "updated"; client: OidcClient } | { outcome: "not_found" }> {
      const current = await clients.find(id);
      if (!current) return { outcome: "not_found" };
      const before = settingsOf(current);
      const merged = { ...before };
      for (const [key, value] of Object.entries(changes)) if (value !== undefined) Object.assign(merged, { [key]: value });
      const updated = await clients.update(id, merged);
      if (!updated) return { outcome: "not_found" };
      await audited("client.updated", updated, actor, {
        // what differs from before (a page sends every field of its form; the API and the CLI only what they change)
        changed: Object.keys(changes)
          .filter((k) => {
            const key = k as keyof ClientEditInput;
            return changes[key] !== undefined && JSON.stringify(changes[key]) !== JSON.stringify(before[key]);
          })
          .sort(),
        redirectUris: updated.redirectUris,
        grantTypes: updated.grantTypes,
        resources: updated.resources,
        firstParty: updated.firstParty,
      });
      return { outcome: "updated", client: updated };
    },

    async rotateSecret(
      id: string,
      actor: ClientActor,
    ): Promise<{ outcome: "rotated"; client: OidcClient; secret: string } | { outcome: "not_found" } | { outcome: "public" }> {
      const client = await clients.find(id);
      if (!client) return { outcome: "not_found" };
      if (client.type !== "confidential") return { outcome: "public" };
      const secret = await clients.rotateSecret(id);
      await audited("client.secret_rotated", client, actor);
      return { outcome: "rotated", client, secret };
    },

    async remove(id: string, actor: ClientActor): Promise<{ outcome: "deleted" } | { outcome: "not_found" }> {
      const client = await clients.find(id);
      if (!client || !(await clients.remove(id))) return { outcome: "not_found" };
      await audited("client.deleted", client, actor, { type: client.type });
      return { outcome: "deleted" };
    },
  };
}

export type ClientAdmin = ReturnType<typeof createClientAdmin>;
