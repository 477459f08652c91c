// Branding set by administrators (#18): the instance's product name, logo, primary colour and support, terms and
// privacy links, and each client's own name, logo and colour on its sign-in and consent pages. One use case for
// the admin page, the REST API and the CLI (update, updateClient: check, write, audit as branding.updated).
// Stored in Postgres (queries/branding.ts); a column left empty falls back to its BRAND_* setting.
// This file puts the admin's use case together and names the parts for their importers: the brand pages and
// emails read, cached by each process, is brand-store.ts (made from the rows in site-brand.ts); what an admin may
// send is branding-input.ts, the shared dependencies, refusals, logo and audit steps branding-admin-steps.ts; the
// instance's branding is branding-instance-admin.ts, a client's branding-client-admin.ts.
import { createBrandingAdminSteps, type BrandingAdminDeps } from "./branding-admin-steps.ts";
import { createInstanceBrandingAdmin } from "./branding-instance-admin.ts";
import { createClientBrandingAdmin } from "./branding-client-admin.ts";

export { BRAND_CACHE_MS, createBrandStore, type BrandStore } from "./brand-store.ts";
export type { SiteBrand, ClientSiteBrand } from "./site-brand.ts";
export { brandingInput, clientBrandingInput, type BrandingInput, type ClientBrandingInput } from "./branding-input.ts";
export type { BrandingVia, BrandingRefusal } from "./branding-admin-steps.ts";
export type { BrandingView } from "./branding-instance-admin.ts";
export type { ClientBrandingView } from "./branding-client-admin.ts";

export function createBrandingAdmin(deps: BrandingAdminDeps) {
  const steps = createBrandingAdminSteps(deps);
  return {
    ...createInstanceBrandingAdmin(deps, steps),
    ...createClientBrandingAdmin(deps, steps),
  };
}

export type BrandingAdmin = ReturnType<typeof createBrandingAdmin>;
