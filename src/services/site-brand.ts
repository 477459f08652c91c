// The brand pages and emails get (branding.ts), made from the stored branding rows over the configured one
// (BRAND_*): the instance's brand with its support, terms and privacy links, and a client's sign-in and consent
// pages in the client's own logo and colour.
import { brandOf, type Brand } from "../lib/brand.ts";
import type { BrandSettings, ClientBrand } from "../queries/branding.ts";
import { logoPath } from "./brand-logo.ts";

/** the brand pages and emails get as it.brand: lib/brand.ts's, plus the instance's links */
export type SiteBrand = Brand & { supportUrl: string | null; termsUrl: string | null; privacyUrl: string | null };
/** a client's sign-in and consent pages: the instance's brand in the client's logo and colour, and its name */
export type ClientSiteBrand = SiteBrand & { client: { name: string | null; logoUrl: string | null } };
/** what a column left empty falls back to: the configured brand's name, logo and colour */
export type BrandDefaults = { name: string; logoUrl: string | undefined; primaryColor: string | undefined };

export const brandDefaultsOf = (configured: Brand): BrandDefaults => ({
  name: configured.name,
  logoUrl: configured.logoUrl ?? undefined,
  primaryColor: configured.stylesheet ? configured.button.background : undefined,
});

export function siteBrandOf(row: BrandSettings | null, defaults: BrandDefaults, issuer: string): SiteBrand {
  const brand = brandOf({
    name: row?.productName ?? defaults.name,
    logoUrl: row?.logoHash ? logoPath(row.logoHash) : defaults.logoUrl,
    primaryColor: row?.primaryColor ?? defaults.primaryColor,
    issuer,
  });
  return { ...brand, supportUrl: row?.supportUrl ?? null, termsUrl: row?.termsUrl ?? null, privacyUrl: row?.privacyUrl ?? null };
}

export function clientBrandOf(base: SiteBrand, row: ClientBrand | null, clientId: string, issuer: string): ClientSiteBrand {
  const logoUrl = row?.logoHash ? logoPath(row.logoHash) : null;
  if (!row?.logoHash && !row?.primaryColor) return { ...base, client: { name: row?.displayName ?? null, logoUrl: null } };
  const brand = brandOf({
    name: base.name,
    logoUrl: logoUrl ?? base.logoUrl ?? undefined,
    primaryColor: row.primaryColor ?? (base.stylesheet ? base.button.background : undefined),
    issuer,
  });
  // the client's colours get a stylesheet of their own (routes/brand-assets.ts), versioned like /brand.css
  const stylesheetHref = brand.stylesheetHref
    ? brand.stylesheetHref.replace("/brand.css", `/brand/clients/${encodeURIComponent(clientId)}.css`)
    : null;
  return {
    ...brand,
    stylesheetHref,
    supportUrl: base.supportUrl,
    termsUrl: base.termsUrl,
    privacyUrl: base.privacyUrl,
    client: { name: row.displayName, logoUrl },
  };
}
