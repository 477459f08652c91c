// The instance's branding as an administrator sees and changes it (branding.ts): the stored values (null: the
// default applies) beside the defaults, and the update (checked, a new logo stored, written, this process's
// brand read again, audited as branding.updated with the fields that changed).
import type { BrandSettings } from "../queries/branding.ts";
import type { AdminActor } from "./admin-actor.ts";
import { logoPath } from "./brand-logo.ts";
import type { BrandStore } from "./brand-store.ts";
import { brandingInput, type BrandingInput } from "./branding-input.ts";
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

/** what an admin sees and sets: the stored values (null: the default applies) and the defaults */
export type BrandingView = {
  productName: string | null;
  logoUrl: string | null;
  primaryColor: string | null;
  supportUrl: string | null;
  termsUrl: string | null;
  privacyUrl: string | null;
  updatedAt: string | null;
  defaults: { productName: string; logoUrl: string | null; primaryColor: string | null };
};

export function createInstanceBrandingAdmin(deps: BrandingAdminDeps, { storedLogo, audit }: BrandingAdminSteps) {
  return {
    async view(): Promise<BrandingView> {
      return viewOf(await deps.store.settingsRow(), deps.store.defaults);
    },

    async update(
      actor: AdminActor,
      via: BrandingVia,
      input: BrandingInput,
    ): Promise<{ ok: true; branding: BrandingView } | BrandingRefusal> {
      const parsed = brandingInput.safeParse(input);
      if (!parsed.success) return refusalOf(parsed.error);
      const logoHash = await storedLogo(input.logo);
      if (typeof logoHash === "object") return logoHash;
      const row = await deps.queries.settings();
      const v = parsed.data;
      const changes = {
        productName: keep(orNull(v.productName), row?.productName ?? null),
        primaryColor: keep(lower(orNull(v.primaryColor)), row?.primaryColor ?? null),
        supportUrl: keep(orNull(v.supportUrl), row?.supportUrl ?? null),
        termsUrl: keep(orNull(v.termsUrl), row?.termsUrl ?? null),
        privacyUrl: keep(orNull(v.privacyUrl), row?.privacyUrl ?? null),
        logoHash: logoHash ?? (v.removeLogo ? null : (row?.logoHash ?? null)),
      };
      const saved = await deps.queries.saveSettings(changes, actor.actorId, deps.clock.now());
      deps.store.invalidate();
      const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter((k) => changes[k] !== (row?.[k] ?? null));
      await audit(actor, via, { changed });
      return { ok: true, branding: viewOf(saved, deps.store.defaults) };
    },
  };
}

function viewOf(row: BrandSettings | null, defaults: BrandStore["defaults"]): BrandingView {
  return {
    productName: row?.productName ?? null,
    logoUrl: row?.logoHash ? logoPath(row.logoHash) : null,
    primaryColor: row?.primaryColor ?? null,
    supportUrl: row?.supportUrl ?? null,
    termsUrl: row?.termsUrl ?? null,
    privacyUrl: row?.privacyUrl ?? null,
    updatedAt: row ? row.updatedAt.toISOString() : null,
    defaults: { productName: defaults.name, logoUrl: defaults.logoUrl ?? null, primaryColor: defaults.primaryColor ?? null },
  };
}
