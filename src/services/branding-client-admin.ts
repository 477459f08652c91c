// A client's own branding as an administrator sees and changes it (branding.ts): its display name, logo and
// colour on its sign-in and consent pages (null: the instance's applies); the update is checked, a new logo
// stored, written, the client's cached brand read again, and audited as branding.updated with the client's id.
import type { ClientBrand } from "../queries/branding.ts";
import type { AdminActor } from "./admin-actor.ts";
import { logoPath } from "./brand-logo.ts";
import { clientBrandingInput, type ClientBrandingInput } from "./branding-input.ts";
import {
  keep,
  lower,
  orNull,
  refusalOf,
  type BrandingAdminDeps,
  type BrandingAdminSteps,
  type BrandingRefusal,
  type BrandingVia,
} from "./branding-admin-steps.ts";

export type ClientBrandingView = { clientId: string; displayName: string | null; logoUrl: string | null; primaryColor: string | null };

export function createClientBrandingAdmin(deps: BrandingAdminDeps, { storedLogo, audit }: BrandingAdminSteps) {
  return {
    async clientView(clientId: string): Promise<ClientBrandingView | null> {
      if (!(await deps.clientExists(clientId))) return null;
      return clientViewOf(clientId, await deps.store.clientRow(clientId));
    },

    async updateClient(
      actor: AdminActor,
      via: BrandingVia,
      clientId: string,
      input: ClientBrandingInput,
    ): Promise<{ ok: true; branding: ClientBrandingView } | BrandingRefusal> {
      if (!(await deps.clientExists(clientId))) return { ok: false, code: "branding.client_not_found" };
      const parsed = clientBrandingInput.safeParse(input);
      if (!parsed.success) return refusalOf(parsed.error);
      const logoHash = await storedLogo(input.logo);
      if (typeof logoHash === "object") return logoHash;
      const row = await deps.queries.clientBrand(clientId);
      const v = parsed.data;
      const changes = {
        displayName: keep(orNull(v.displayName), row?.displayName ?? null),
        primaryColor: keep(lower(orNull(v.primaryColor)), row?.primaryColor ?? null),
        logoHash: logoHash ?? (v.removeLogo ? null : (row?.logoHash ?? null)),
      };
      const saved = await deps.queries.saveClientBrand(clientId, changes, deps.clock.now());
      deps.store.invalidate(clientId);
      const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter((k) => changes[k] !== (row?.[k] ?? null));
      await audit(actor, via, { clientId, changed });
      return { ok: true, branding: clientViewOf(clientId, saved) };
    },
  };
}

const clientViewOf = (clientId: string, row: ClientBrand | null): ClientBrandingView => ({
  clientId,
  displayName: row?.displayName ?? null,
  logoUrl: row?.logoHash ? logoPath(row.logoHash) : null,
  primaryColor: row?.primaryColor ?? null,
});
